// The uploads-over-time chart above the list: uploads created per bucket of a window (last hour,
// 24 hours, 7 days), stacked by effective status with the stuck ones marked. Plain SVG, no chart
// library: a stack of rectangles per bar is all it draws, and a library would cost more than this
// whole file. Loaded on its own (React.lazy, see uploads-list.tsx) once the list's first page is
// on screen, so the first screen's JS does not grow. Readable without colour: every status has its
// own pattern, the legend names each with its total, every bar is a button whose name says its
// counts, and a sentence sums the chart up for screen readers. A bar's click lists its uploads.
import { useRef, useState, useSyncExternalStore, type KeyboardEvent } from 'react';
import { ACTIVITY_WINDOWS, type ActivityWindow } from '#contract/constants.ts';
import type { ActivityBucket, StatusCounts } from '#contract/dashboard-api.ts';
import { AlertTriangleIcon } from '#src/components/ui/icons.tsx';
import { Tooltip } from '#src/components/ui/tooltip.tsx';
import { cn } from '#src/lib/cn.ts';
import { formatClock } from '#src/lib/format-time.ts';
import { useUploadActivity } from '#src/features/uploads/api/get-upload-activity.ts';
import { CHART_MARK_ROOM as MARK_ROOM, CHART_PLOT_HEIGHT as PLOT_HEIGHT, ChartBarsSkeleton } from './activity-chart-placeholder.tsx';
import { WINDOW_LABELS, activitySummary, barLabel, breakdown, totalOf } from '#src/features/uploads/utils/activity-summary.ts';
import { dayLabel, spanLabel } from '#src/features/uploads/utils/activity-wording.ts';

/** The window the operator chose last, kept like the colour scheme (a preference, not part of a link). */
const WINDOW_STORAGE_KEY = 'uploads-console:activity-window';
const windowListeners = new Set<() => void>();

function readWindow(): ActivityWindow {
  try {
    const saved = window.localStorage.getItem(WINDOW_STORAGE_KEY);
    return ACTIVITY_WINDOWS.find((w) => w === saved) ?? '24h';
  } catch {
    return '24h';
  }
}

function useActivityWindow(): [ActivityWindow, (next: ActivityWindow) => void] {
  const current = useSyncExternalStore(
    (listener) => {
      windowListeners.add(listener);
      return () => windowListeners.delete(listener);
    },
    readWindow,
  );
  const choose = (next: ActivityWindow) => {
    try {
      window.localStorage.setItem(WINDOW_STORAGE_KEY, next);
    } catch {
      // storage unavailable: the choice lasts as long as the page
    }
    for (const listener of windowListeners) listener();
  };
  return [current, choose];
}

type Segment = 'completed' | 'cancelled' | 'expired' | 'pending' | 'stuck';

/** Bottom up. Pending is drawn without its stuck part, which sits on top of it. */
const SEGMENTS: readonly { key: Segment; label: string; fill: string; pattern: string | null }[] = [
  { key: 'completed', label: 'Completed', fill: 'fill-emerald-500', pattern: null },
  { key: 'cancelled', label: 'Cancelled', fill: 'fill-slate-400', pattern: 'uc-activity-hatch' },
  { key: 'expired', label: 'Expired', fill: 'fill-amber-300', pattern: 'uc-activity-dots' },
  { key: 'pending', label: 'Pending', fill: 'fill-sky-500', pattern: 'uc-activity-rows' },
  { key: 'stuck', label: 'Stuck', fill: 'fill-amber-600', pattern: 'uc-activity-stripes' },
];

const segmentValue = (counts: StatusCounts, key: Segment) => (key === 'pending' ? counts.pending - counts.stuck : counts[key]);

const number = new Intl.NumberFormat('en-US');

/** 1, 2, 5, 10, 20, 50…: the smallest at or above `max`, so the top line reads as a round number. */
function niceCeiling(max: number): number {
  if (max <= 5) return Math.max(1, max);
  const magnitude = 10 ** Math.floor(Math.log10(max));
  return [1, 2, 5, 10].map((step) => step * magnitude).find((nice) => nice >= max)!;
}

/** The patterns every bar and legend swatch fills with (white lines read on every fill, in both schemes). */
function Patterns() {
  return (
    <svg aria-hidden="true" focusable="false" width="0" height="0" className="absolute">
      <defs>
        <pattern id="uc-activity-hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
          <rect width="1.5" height="4" className="fill-white/80" />
        </pattern>
        <pattern id="uc-activity-dots" width="4" height="4" patternUnits="userSpaceOnUse">
          <circle cx="2" cy="2" r="0.9" className="fill-white/90" />
        </pattern>
        <pattern id="uc-activity-rows" width="4" height="3" patternUnits="userSpaceOnUse">
          <rect width="4" height="1" className="fill-white/45" />
        </pattern>
        <pattern id="uc-activity-stripes" width="5" height="5" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)">
          <rect width="2.5" height="5" className="fill-white/75" />
        </pattern>
      </defs>
    </svg>
  );
}

function Swatch({ segment }: { segment: (typeof SEGMENTS)[number] }) {
  return (
    <svg aria-hidden="true" focusable="false" width="12" height="12" className="shrink-0 rounded-[2px]">
      <rect width="12" height="12" className={segment.fill} />
      {segment.pattern && <rect width="12" height="12" fill={`url(#${segment.pattern})`} />}
    </svg>
  );
}

/** Where each non-empty segment of a bar sits, bottom up (y grows downwards). */
function stackOf(counts: StatusCounts, scale: number) {
  const stack: { segment: (typeof SEGMENTS)[number]; y: number; height: number }[] = [];
  let y = PLOT_HEIGHT + MARK_ROOM;
  for (const segment of SEGMENTS) {
    const value = segmentValue(counts, segment.key);
    if (value <= 0) continue;
    // At least a pixel, so a single upload among thousands still shows.
    const height = Math.max(1, (value / scale) * PLOT_HEIGHT);
    y -= height;
    stack.push({ segment, y, height });
  }
  return stack;
}

interface BarProps {
  bucket: ActivityBucket;
  scale: number;
  label: string;
  pressed: boolean;
  focusable: boolean;
  alignEnd: boolean;
  /** Its tooltip shows: the pointer is over it, or the keyboard brought focus to it. */
  tipOpen: boolean;
  nowMs: number;
  buttonRef: (element: HTMLButtonElement | null) => void;
  onFocus: (byKeyboard: boolean) => void;
  onHover: () => void;
  onBlur: () => void;
  onClick: () => void;
}

function Bar({ bucket, scale, label, pressed, focusable, alignEnd, tipOpen, nowMs, buttonRef, onFocus, onHover, onBlur, onClick }: BarProps) {
  const { counts } = bucket;
  const total = totalOf(counts);
  const stack = stackOf(counts, scale);
  const top = stack.at(-1)?.y ?? PLOT_HEIGHT + MARK_ROOM;
  const rects = stack.map(({ segment, y, height }) => (
    <g key={segment.key}>
      <rect x="12%" width="76%" y={y} height={height} className={segment.fill} />
      {segment.pattern && <rect x="12%" width="76%" y={y} height={height} fill={`url(#${segment.pattern})`} />}
    </g>
  ));
  const tip = (
    <>
      <span className="block font-medium">{spanLabel(bucket.start, bucket.end, nowMs)}</span>
      <span className="block tabular-nums">{total === 0 ? 'No uploads' : `${number.format(total)} ${total === 1 ? 'upload' : 'uploads'}: ${breakdown(counts)}`}</span>
      {total > 0 && <span className="block text-slate-300">{pressed ? 'Click to show every upload again' : 'Click to list them'}</span>}
    </>
  );
  return (
    // Not on any focus: after a click the bar keeps focus, and its tip would hide the controls above.
    <Tooltip content={tip} open={tipOpen} align={alignEnd ? 'end' : 'start'} className="h-full min-w-0 flex-1">
      {() => (
        <button
          ref={buttonRef}
          type="button"
          tabIndex={focusable ? 0 : -1}
          aria-label={label}
          aria-pressed={pressed}
          onFocus={(event) => onFocus(event.currentTarget.matches(':focus-visible'))}
          // A mouse only: a tap would leave the tip open over the controls above.
          onPointerEnter={(event) => {
            if (event.pointerType === 'mouse') onHover();
          }}
          onBlur={onBlur}
          onClick={onClick}
          className={cn(
            'flex h-full w-full items-end justify-center rounded-sm transition-colors',
            'hover:bg-slate-100 focus-visible:outline-2 focus-visible:-outline-offset-1 focus-visible:outline-sky-600',
            pressed && 'bg-sky-100 ring-1 ring-sky-600/40 ring-inset hover:bg-sky-100',
          )}
        >
          <svg aria-hidden="true" focusable="false" width="100%" height={PLOT_HEIGHT + MARK_ROOM} className="max-w-12 overflow-visible">
            {rects}
            {counts.stuck > 0 && (
              <svg x="50%" y={top - 2} overflow="visible">
                <path d="M-4.5 0 L4.5 0 L0 -7 Z" className="fill-amber-600 stroke-white" strokeWidth="1" strokeLinejoin="round" />
              </svg>
            )}
          </svg>
        </button>
      )}
    </Tooltip>
  );
}

export interface ActivityChartProps {
  /** The list's created-time filter, if any: the bar it matches shows pressed. */
  createdAfter: number | undefined;
  createdBefore: number | undefined;
  /** A bar was chosen (its span), or the pressed one again (null: show every upload). */
  onSelect: (span: { start: number; end: number } | null) => void;
}

export default function ActivityChart({ createdAfter, createdBefore, onSelect }: ActivityChartProps) {
  const [activityWindow, setActivityWindow] = useActivityWindow();
  const query = useUploadActivity(activityWindow);
  const data = query.data;
  const [focusIndex, setFocusIndex] = useState<number | null>(null);
  const [tipIndex, setTipIndex] = useState<number | null>(null);
  const buttons = useRef<(HTMLButtonElement | null)[]>([]);
  // Day names ("Today") are read against the answer's time, not the render's.
  const nowMs = query.dataUpdatedAt;
  // What is on screen: while another window loads, the previous one stays (dimmed), and says so.
  const labels = WINDOW_LABELS[data?.window ?? activityWindow];
  const titleId = 'activity-chart-title';
  const summaryId = 'activity-chart-summary';

  const buckets = data?.buckets ?? [];
  const maxTotal = Math.max(0, ...buckets.map((b) => totalOf(b.counts)));
  const scale = niceCeiling(maxTotal);
  // Without a choice yet, the newest bar takes the tab stop.
  const tabStop = focusIndex !== null && focusIndex < buckets.length ? focusIndex : buckets.length - 1;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = buckets.length - 1;
    const moves: Record<string, number> = { ArrowRight: tabStop + 1, ArrowLeft: tabStop - 1, Home: 0, End: last };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    const next = Math.min(last, Math.max(0, target));
    setFocusIndex(next);
    buttons.current[next]?.focus();
  };

  return (
    <section aria-labelledby={titleId} className="rounded-lg border border-slate-200 bg-white px-4 pt-2.5 pb-2 shadow-xs">
      <Patterns />
      <div className="flex flex-wrap items-center justify-between gap-x-4 gap-y-1.5">
        <h2 id={titleId} className="text-[13px] font-semibold text-slate-900">
          Uploads created <span className="font-normal text-slate-500">{labels.per}</span>
        </h2>
        <div role="group" aria-label="Chart window" className="inline-flex rounded-md border border-slate-300 p-0.5 shadow-xs">
          {ACTIVITY_WINDOWS.map((w) => (
            <button
              key={w}
              type="button"
              aria-pressed={w === activityWindow}
              title={`Uploads created ${WINDOW_LABELS[w].per} over ${WINDOW_LABELS[w].long}`}
              onClick={() => setActivityWindow(w)}
              className={cn(
                'h-6 rounded px-2 text-xs font-medium tabular-nums transition-colors focus-visible:outline-2 focus-visible:outline-sky-600',
                w === activityWindow ? 'bg-slate-900 text-white' : 'text-slate-600 hover:bg-slate-100 hover:text-slate-900',
              )}
            >
              {WINDOW_LABELS[w].short}
            </button>
          ))}
        </div>
      </div>

      <ul aria-label="Totals" className="mt-1.5 flex flex-wrap gap-x-3.5 gap-y-1 text-xs text-slate-600">
        {SEGMENTS.map((segment) => (
          <li key={segment.key} className="inline-flex items-center gap-1.5">
            {segment.key === 'stuck' ? <AlertTriangleIcon className="size-3 text-amber-600" /> : null}
            <Swatch segment={segment} />
            {segment.label}
            <span className="font-medium text-slate-900 tabular-nums">{data ? number.format(data.totals[segment.key]) : '–'}</span>
            {segment.key === 'stuck' && <span className="sr-only">(of the pending ones)</span>}
          </li>
        ))}
      </ul>

      <div className={cn('relative mt-1', query.isPlaceholderData && 'opacity-60')}>
        {data ? (
          <>
            <p id={summaryId} className="sr-only">
              {activitySummary(data.window, data.totals, data.buckets, nowMs)}
            </p>
            {/* The top line and its value: the scale, in round numbers. */}
            <div aria-hidden="true" className="pointer-events-none absolute inset-x-0 border-t border-dashed border-slate-200" style={{ top: MARK_ROOM }}>
              <span className="absolute -top-2 right-0 bg-white pl-1 text-[10px] leading-none text-slate-500 tabular-nums">{number.format(scale)}</span>
            </div>
            <div
              role="toolbar"
              aria-label={`Uploads created ${labels.per} over ${labels.long}, by status. Choose a bar to list its uploads.`}
              aria-describedby={summaryId}
              onKeyDown={onKeyDown}
              onPointerLeave={() => setTipIndex(null)}
              className="flex gap-px border-b border-slate-300 pr-6"
              style={{ height: PLOT_HEIGHT + MARK_ROOM }}
            >
              {data.buckets.map((bucket, i) => (
                <Bar
                  key={bucket.start}
                  bucket={bucket}
                  scale={scale}
                  nowMs={nowMs}
                  label={barLabel(bucket.start, bucket.end, bucket.counts, nowMs)}
                  pressed={createdAfter === bucket.start && createdBefore === bucket.end}
                  focusable={i === tabStop}
                  alignEnd={i >= data.buckets.length / 2}
                  buttonRef={(element) => {
                    buttons.current[i] = element;
                  }}
                  tipOpen={tipIndex === i}
                  onFocus={(byKeyboard) => {
                    setFocusIndex(i);
                    if (byKeyboard) setTipIndex(i);
                  }}
                  onHover={() => setTipIndex(i)}
                  onBlur={() => setTipIndex((open) => (open === i ? null : open))}
                  onClick={() => onSelect(createdAfter === bucket.start && createdBefore === bucket.end ? null : { start: bucket.start, end: bucket.end })}
                />
              ))}
            </div>
            {totalOf(data.totals) === 0 && (
              <p className="pointer-events-none absolute inset-x-0 top-7 text-center text-xs text-slate-500">No uploads created in {labels.long}</p>
            )}
            <div aria-hidden="true" className="mt-1 flex justify-between pr-6 text-[11px] text-slate-500 tabular-nums">
              <span>
                {dayLabel(data.start, nowMs)} {formatClock(data.start)}
              </span>
              <span>Now</span>
            </div>
          </>
        ) : query.isError ? (
          <div className="flex items-center gap-2 py-6 text-xs text-slate-600" style={{ minHeight: PLOT_HEIGHT + MARK_ROOM + 18 }}>
            <span>Couldn't load the chart: {query.error instanceof Error ? query.error.message : 'unknown error'}</span>
            <button type="button" onClick={() => void query.refetch()} className="font-medium text-sky-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-sky-600">
              Try again
            </button>
          </div>
        ) : (
          <ChartBarsSkeleton />
        )}
      </div>
    </section>
  );
}
