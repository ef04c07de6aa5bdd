package uploadsconsole.clients;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonMissing;
import com.openai.errors.BadRequestException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.files.FilePurpose;
import com.openai.models.files.FileObject;
import com.openai.models.uploads.Upload;
import com.openai.models.uploads.UploadCompleteParams;
import com.openai.models.uploads.UploadCreateParams;
import com.openai.models.uploads.parts.PartCreateParams;
import com.openai.models.uploads.parts.UploadPart;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The official Java SDK (com.openai:openai-java) through the console's /v1, as its README shows it:
 * {@code OpenAIOkHttpClient.fromEnv()} reads OPENAI_API_KEY and OPENAI_BASE_URL; default retries (2).
 * With {@code responseValidation(true)} every object the proxy returns must satisfy the SDK's schema.
 * Prints {@code PASS <check> …} / {@code FAIL <check> <reason>} lines for clients/run.ts.
 */
public final class Checks {
    private static final String UNKNOWN_ID = "upload_0123456789abcdef0123456789abcdef";
    private static final List<byte[]> PARTS = List.of(
            "{\"prompt\": \"hello\", \"completion\": \"world\"}\n".getBytes(StandardCharsets.UTF_8),
            "{\"prompt\": \"ping\", \"completion\": \"pong\"}\n".getBytes(StandardCharsets.UTF_8));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static final OpenAIClient client = OpenAIOkHttpClient.builder().fromEnv().responseValidation(true).build();
    private static int failures = 0;

    private static Upload upload;
    private static Upload cancelled;
    private static Upload completed;
    private static final List<String> partIds = new ArrayList<>();

    interface Body {
        String run() throws Exception;
    }

    static void check(String name, Body body) {
        try {
            String detail = body.run();
            System.out.println("PASS " + name + (detail == null || detail.isEmpty() ? "" : " " + detail));
        } catch (Throwable error) {
            failures++;
            System.out.println(("FAIL " + name + " " + error.getClass().getSimpleName() + ": " + error.getMessage()).replace("\n", " ⏎ "));
        }
        System.out.flush();
    }

    static void expect(boolean condition, String message) {
        if (!condition) throw new AssertionError(message);
    }

    static byte[] content() {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        PARTS.forEach(all::writeBytes);
        return all.toByteArray();
    }

    static UploadCreateParams createParams() {
        return UploadCreateParams.builder()
                .purpose(FilePurpose.FINE_TUNE)
                .filename("training_examples.jsonl")
                .bytes(content().length)
                .mimeType("text/jsonl")
                .build();
    }

    /** The exception the call throws, checked for its type, status and the envelope's four keys. */
    static <E extends OpenAIServiceException> E expectError(Class<E> type, int status, Runnable call) throws Exception {
        try {
            call.run();
        } catch (OpenAIServiceException error) {
            expect(type.isInstance(error), "expected " + type.getSimpleName() + ", got " + error);
            expect(error.statusCode() == status, "status " + error.statusCode());
            @SuppressWarnings("unchecked")
            Map<String, Object> body = error.body().convert(Map.class);
            expect(new TreeSet<>(body.keySet()).equals(new TreeSet<>(List.of("code", "message", "param", "type"))), "the error envelope keys: " + body);
            return type.cast(error);
        }
        throw new AssertionError("expected " + type.getSimpleName() + ", the call succeeded");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> attempts(String operation) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(System.getenv("UC_CONTROL_URL") + "/attempts")).build(),
                HttpResponse.BodyHandlers.ofString());
        return (Map<String, Object>) JSON.readValue(response.body(), Map.class).get(operation);
    }

    static void injectFault(Map<String, Object> rule) throws Exception {
        Map<String, Object> withCount = new java.util.HashMap<>(rule);
        withCount.put("count", 1);
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(URI.create(System.getenv("UC_EMULATOR_ORIGIN") + "/__emulator/faults"))
                        .header("Authorization", "Bearer " + System.getenv("UC_EMULATOR_KEY"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(withCount)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        expect(response.statusCode() == 200, "injecting a fault: " + response.body());
    }

    /** Runs call; checks that the proxy and the emulator each saw `expected` calls of operation. */
    static Map<String, Object> expectAttempts(String operation, int expected, Runnable call) throws Exception {
        Map<String, Object> before = attempts(operation);
        call.run();
        Map<String, Object> after = attempts(operation);
        int emulator = (Integer) after.get("emulator") - (Integer) before.get("emulator");
        int proxy = (Integer) after.get("proxy") - (Integer) before.get("proxy");
        expect(emulator == expected && proxy == expected, operation + " attempts: proxy " + proxy + ", emulator " + emulator + ", expected " + expected);
        return after;
    }

    public static void main(String[] args) throws Exception {
        byte[] content = content();

        check("create", () -> {
            upload = client.uploads().create(createParams());
            expect(upload.status().equals(Upload.Status.PENDING), "status " + upload.status());
            expect(upload.bytes() == content.length, "bytes " + upload.bytes());
            return upload.id();
        });

        check("parts", () -> {
            expect(upload != null, "no upload (create failed)");
            for (byte[] chunk : PARTS) {
                UploadPart part = client.uploads().parts().create(PartCreateParams.builder().uploadId(upload.id()).data(chunk).build());
                expect(part.uploadId().equals(upload.id()), "part of " + part.uploadId());
                partIds.add(part.id());
            }
            return partIds.size() + " parts";
        });

        check("complete", () -> {
            expect(partIds.size() == 2, "no parts (parts failed)");
            String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(content));
            completed = client.uploads().complete(upload.id(), UploadCompleteParams.builder().partIds(partIds).md5(md5).build());
            expect(completed.status().equals(Upload.Status.COMPLETED), "status " + completed.status());
            FileObject file = completed.file().orElseThrow(() -> new AssertionError("no file"));
            expect(file.bytes() == content.length, "file bytes " + file.bytes());
            expect(file.purpose().equals(FileObject.Purpose.FINE_TUNE), "file purpose " + file.purpose());
            return "md5 " + md5 + ", " + file.id();
        });

        // Every purpose the create accepts, completed: the nested File must pass the SDK's schema too.
        check("complete-every-purpose", () -> {
            Map<FilePurpose, String> mimeTypes = new java.util.LinkedHashMap<>();
            mimeTypes.put(FilePurpose.ASSISTANTS, "text/plain");
            mimeTypes.put(FilePurpose.BATCH, "application/jsonl");
            mimeTypes.put(FilePurpose.FINE_TUNE, "text/jsonl");
            mimeTypes.put(FilePurpose.VISION, "image/png");
            mimeTypes.put(FilePurpose.USER_DATA, "text/plain");
            mimeTypes.put(FilePurpose.EVALS, "application/jsonl");
            List<String> done = new ArrayList<>();
            for (Map.Entry<FilePurpose, String> entry : mimeTypes.entrySet()) {
                String purpose = entry.getKey().asString();
                try {
                    Upload created = client.uploads().create(createParams().toBuilder().purpose(entry.getKey()).mimeType(entry.getValue()).filename("f-" + purpose).build());
                    List<String> ids = new ArrayList<>();
                    for (byte[] chunk : PARTS) {
                        ids.add(client.uploads().parts().create(PartCreateParams.builder().uploadId(created.id()).data(chunk).build()).id());
                    }
                    Upload finished = client.uploads().complete(created.id(), UploadCompleteParams.builder().partIds(ids).build());
                    expect(finished.file().isPresent(), purpose + ": no file");
                    done.add(purpose);
                } catch (com.openai.errors.OpenAIInvalidDataException error) {
                    // OpenAI's own answer for an `evals` upload is a File with purpose "evals", which the
                    // published OpenAIFile.purpose enum (and so this SDK's schema) does not list: with
                    // responseValidation(true) the SDK refuses it against OpenAI too. The proxy passes the
                    // object on unchanged, so the one honest check is that this is the only refusal.
                    if (!entry.getKey().equals(FilePurpose.EVALS) || !String.valueOf(error.getMessage()).contains("evals")) {
                        throw new AssertionError("purpose " + purpose + ": " + error, error);
                    }
                    done.add(purpose + " (refused by the SDK's own schema, as against OpenAI)");
                } catch (RuntimeException error) {
                    throw new AssertionError("purpose " + purpose + ": " + error, error);
                }
            }
            return String.join(", ", done);
        });

        check("cancel", () -> {
            Upload pending = client.uploads().create(createParams());
            cancelled = client.uploads().cancel(pending.id());
            expect(cancelled.id().equals(pending.id()), "id " + cancelled.id());
            expect(cancelled.status().equals(Upload.Status.CANCELLED), "status " + cancelled.status());
            return cancelled.id();
        });

        check("cancel-again", () -> {
            expect(cancelled != null, "no cancelled upload (cancel failed)");
            BadRequestException error = expectError(BadRequestException.class, 400, () -> client.uploads().cancel(cancelled.id()));
            return "BadRequestException 400: " + error.body().convert(Map.class).get("message");
        });

        check("parts-after-cancel", () -> {
            expect(cancelled != null, "no cancelled upload (cancel failed)");
            expectError(BadRequestException.class, 400,
                    () -> client.uploads().parts().create(PartCreateParams.builder().uploadId(cancelled.id()).data(PARTS.get(0)).build()));
            return "BadRequestException 400";
        });

        check("complete-after-cancel", () -> {
            expect(cancelled != null, "no cancelled upload (cancel failed)");
            expectError(BadRequestException.class, 400,
                    () -> client.uploads().complete(cancelled.id(), UploadCompleteParams.builder().partIds(partIds).build()));
            return "BadRequestException 400";
        });

        check("complete-again", () -> {
            expect(completed != null, "no completed upload (complete failed)");
            expectError(BadRequestException.class, 400,
                    () -> client.uploads().complete(completed.id(), UploadCompleteParams.builder().partIds(partIds).build()));
            return "BadRequestException 400";
        });

        check("not-found", () -> {
            NotFoundException error = expectError(NotFoundException.class, 404, () -> client.uploads().cancel(UNKNOWN_ID));
            expect(!error.headers().values("x-request-id").isEmpty(), "no x-request-id");
            return "NotFoundException 404 (" + error.body().convert(Map.class).get("message") + ")";
        });

        check("create-without-bytes", () -> {
            // The SDK's way to leave out a required property (its README): JsonMissing.
            UploadCreateParams withoutBytes = createParams().toBuilder().bytes(JsonMissing.of()).build();
            BadRequestException error = expectError(BadRequestException.class, 400, () -> client.uploads().create(withoutBytes));
            expect(error.param().orElse("").equals("bytes"), "param " + error.param());
            return "BadRequestException 400 param=bytes";
        });

        check("retry-429", () -> {
            injectFault(Map.of("operation", "create", "status", 429, "retry_after", 1));
            long started = System.nanoTime();
            Upload[] created = new Upload[1];
            Map<String, Object> after = expectAttempts("create", 2, () -> created[0] = client.uploads().create(createParams()));
            long waitedMs = (System.nanoTime() - started) / 1_000_000;
            expect(created[0].status().equals(Upload.Status.PENDING), "status " + created[0].status());
            expect("1".equals(after.get("last_retry_count")), "x-stainless-retry-count of the retry: " + after.get("last_retry_count"));
            expect(waitedMs >= 900, "retried after " + waitedMs + " ms, before the 1 s retry-after");
            return "succeeded on attempt 2 after " + waitedMs + " ms";
        });

        check("retry-503", () -> {
            Upload pending = client.uploads().create(createParams());
            injectFault(Map.of("operation", "cancel", "status", 503));
            Upload[] result = new Upload[1];
            expectAttempts("cancel", 2, () -> result[0] = client.uploads().cancel(pending.id()));
            expect(result[0].status().equals(Upload.Status.CANCELLED), "status " + result[0].status());
            return "cancel succeeded on attempt 2";
        });

        client.close();
        System.exit(failures > 0 ? 1 : 0);
    }
}
