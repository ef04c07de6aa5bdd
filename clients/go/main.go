// The official Go SDK (github.com/openai/openai-go/v3) through the console's /v1, as its README
// shows it: openai.NewClient() reads OPENAI_API_KEY and OPENAI_BASE_URL; default retries (2).
// Prints `PASS <check> …` / `FAIL <check> <reason>` lines for clients/run.ts.
package main

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
)

const unknownID = "upload_0123456789abcdef0123456789abcdef"

var (
	ctx      = context.Background()
	client   = openai.NewClient()
	parts    = [][]byte{[]byte("{\"prompt\": \"hello\", \"completion\": \"world\"}\n"), []byte("{\"prompt\": \"ping\", \"completion\": \"pong\"}\n")}
	content  = bytes.Join(parts, nil)
	failures = 0
)

func createParams() openai.UploadNewParams {
	return openai.UploadNewParams{
		Purpose:  openai.FilePurposeFineTune,
		Filename: "training_examples.jsonl",
		Bytes:    int64(len(content)),
		MimeType: "text/jsonl",
	}
}

// check runs one named check and prints its line.
func check(name string, body func() (string, error)) {
	detail, err := body()
	if err != nil {
		failures++
		fmt.Printf("FAIL %s %s\n", name, strings.ReplaceAll(err.Error(), "\n", " ⏎ "))
		return
	}
	if detail != "" {
		detail = " " + detail
	}
	fmt.Printf("PASS %s%s\n", name, detail)
}

// validUpload checks what the SDK's schema requires of an Upload: every required field present and of its type.
func validUpload(upload *openai.Upload, status openai.UploadStatus) error {
	fields := map[string]bool{
		"id": upload.JSON.ID.Valid(), "bytes": upload.JSON.Bytes.Valid(), "created_at": upload.JSON.CreatedAt.Valid(),
		"expires_at": upload.JSON.ExpiresAt.Valid(), "filename": upload.JSON.Filename.Valid(), "purpose": upload.JSON.Purpose.Valid(),
		"status": upload.JSON.Status.Valid(), "object": upload.JSON.Object.Valid(),
	}
	for field, ok := range fields {
		if !ok {
			return fmt.Errorf("field %q missing or invalid in %s", field, upload.RawJSON())
		}
	}
	if upload.Status != status {
		return fmt.Errorf("status %q, expected %q", upload.Status, status)
	}
	return nil
}

// apiError is the *openai.Error the call failed with, checked for its status and the envelope's four keys.
func apiError(err error, status int) (*openai.Error, error) {
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) {
		return nil, fmt.Errorf("expected *openai.Error %d, got %v", status, err)
	}
	if apiErr.StatusCode != status {
		return nil, fmt.Errorf("status %d, expected %d: %s", apiErr.StatusCode, status, apiErr.RawJSON())
	}
	if !apiErr.JSON.Message.Valid() || !apiErr.JSON.Type.Valid() || apiErr.JSON.Param.Raw() == "" || apiErr.JSON.Code.Raw() == "" {
		return nil, fmt.Errorf("the error envelope lacks one of message, type, param, code: %s", apiErr.RawJSON())
	}
	return apiErr, nil
}

type attemptCount struct {
	Emulator       int     `json:"emulator"`
	Proxy          int     `json:"proxy"`
	LastRetryCount *string `json:"last_retry_count"`
}

func attempts(operation string) (attemptCount, error) {
	response, err := http.Get(os.Getenv("UC_CONTROL_URL") + "/attempts")
	if err != nil {
		return attemptCount{}, err
	}
	defer response.Body.Close()
	var all map[string]attemptCount
	err = json.NewDecoder(response.Body).Decode(&all)
	return all[operation], err
}

func injectFault(rule map[string]any) error {
	rule["count"] = 1
	body, _ := json.Marshal(rule)
	request, _ := http.NewRequest(http.MethodPost, os.Getenv("UC_EMULATOR_ORIGIN")+"/__emulator/faults", bytes.NewReader(body))
	request.Header.Set("Authorization", "Bearer "+os.Getenv("UC_EMULATOR_KEY"))
	request.Header.Set("Content-Type", "application/json")
	response, err := http.DefaultClient.Do(request)
	if err != nil {
		return err
	}
	defer response.Body.Close()
	if response.StatusCode != http.StatusOK {
		return fmt.Errorf("injecting a fault: status %d", response.StatusCode)
	}
	return nil
}

// expectAttempts runs call and checks that the proxy and the emulator each saw `expected` calls of operation.
func expectAttempts(operation string, expected int, call func() error) (attemptCount, error) {
	before, err := attempts(operation)
	if err != nil {
		return before, err
	}
	if err := call(); err != nil {
		return before, err
	}
	after, err := attempts(operation)
	if err != nil {
		return after, err
	}
	if after.Emulator-before.Emulator != expected || after.Proxy-before.Proxy != expected {
		return after, fmt.Errorf("%s attempts: proxy %d, emulator %d, expected %d", operation, after.Proxy-before.Proxy, after.Emulator-before.Emulator, expected)
	}
	return after, nil
}

func main() {
	var upload, cancelled, completed *openai.Upload
	var partIDs []string

	check("create", func() (string, error) {
		var err error
		if upload, err = client.Uploads.New(ctx, createParams()); err != nil {
			return "", err
		}
		if err := validUpload(upload, openai.UploadStatusPending); err != nil {
			return "", err
		}
		return upload.ID, nil
	})

	check("parts", func() (string, error) {
		if upload == nil {
			return "", errors.New("no upload (create failed)")
		}
		for i, chunk := range parts {
			part, err := client.Uploads.Parts.New(ctx, upload.ID, openai.UploadPartNewParams{
				Data: openai.File(bytes.NewReader(chunk), fmt.Sprintf("part-%d.jsonl", i), "application/octet-stream"),
			})
			if err != nil {
				return "", err
			}
			if part.UploadID != upload.ID || !part.JSON.ID.Valid() || !part.JSON.CreatedAt.Valid() {
				return "", fmt.Errorf("unexpected part %s", part.RawJSON())
			}
			partIDs = append(partIDs, part.ID)
		}
		return fmt.Sprintf("%d parts", len(partIDs)), nil
	})

	check("complete", func() (string, error) {
		if len(partIDs) != 2 {
			return "", errors.New("no parts (parts failed)")
		}
		sum := md5.Sum(content)
		md5hex := hex.EncodeToString(sum[:])
		var err error
		completed, err = client.Uploads.Complete(ctx, upload.ID, openai.UploadCompleteParams{PartIDs: partIDs, Md5: openai.String(md5hex)})
		if err != nil {
			return "", err
		}
		if err := validUpload(completed, openai.UploadStatusCompleted); err != nil {
			return "", err
		}
		if !completed.JSON.File.Valid() || completed.File.Bytes != int64(len(content)) || completed.File.Purpose != openai.FileObjectPurposeFineTune {
			return "", fmt.Errorf("unexpected file %s", completed.File.RawJSON())
		}
		return fmt.Sprintf("md5 %s, %s", md5hex, completed.File.ID), nil
	})

	check("cancel", func() (string, error) {
		pending, err := client.Uploads.New(ctx, createParams())
		if err != nil {
			return "", err
		}
		if cancelled, err = client.Uploads.Cancel(ctx, pending.ID); err != nil {
			return "", err
		}
		if err := validUpload(cancelled, openai.UploadStatusCancelled); err != nil {
			return "", err
		}
		return cancelled.ID, nil
	})

	refused := func(name string, call func(id string) error) {
		check(name, func() (string, error) {
			if cancelled == nil {
				return "", errors.New("no cancelled upload (cancel failed)")
			}
			apiErr, err := apiError(call(cancelled.ID), http.StatusBadRequest)
			if err != nil {
				return "", err
			}
			return "*openai.Error 400: " + apiErr.Message, nil
		})
	}
	refused("cancel-again", func(id string) error { _, err := client.Uploads.Cancel(ctx, id); return err })
	refused("parts-after-cancel", func(id string) error {
		_, err := client.Uploads.Parts.New(ctx, id, openai.UploadPartNewParams{Data: openai.File(bytes.NewReader(parts[0]), "late.jsonl", "application/octet-stream")})
		return err
	})
	refused("complete-after-cancel", func(id string) error {
		_, err := client.Uploads.Complete(ctx, id, openai.UploadCompleteParams{PartIDs: partIDs})
		return err
	})

	check("complete-again", func() (string, error) {
		if completed == nil {
			return "", errors.New("no completed upload (complete failed)")
		}
		_, err := client.Uploads.Complete(ctx, completed.ID, openai.UploadCompleteParams{PartIDs: partIDs})
		if _, err := apiError(err, http.StatusBadRequest); err != nil {
			return "", err
		}
		return "*openai.Error 400", nil
	})

	check("not-found", func() (string, error) {
		_, err := client.Uploads.Cancel(ctx, unknownID)
		apiErr, err := apiError(err, http.StatusNotFound)
		if err != nil {
			return "", err
		}
		if apiErr.Response.Header.Get("x-request-id") == "" {
			return "", errors.New("no x-request-id")
		}
		return fmt.Sprintf("*openai.Error 404 (%s)", apiErr.Message), nil
	})

	check("create-without-bytes", func() (string, error) {
		// The params struct always has Bytes; option.WithJSONDel removes a key from the body sent.
		_, err := client.Uploads.New(ctx, createParams(), option.WithJSONDel("bytes"))
		apiErr, err := apiError(err, http.StatusBadRequest)
		if err != nil {
			return "", err
		}
		if apiErr.Param != "bytes" {
			return "", fmt.Errorf("param %q, expected bytes: %s", apiErr.Param, apiErr.RawJSON())
		}
		return "*openai.Error 400 param=bytes", nil
	})

	check("retry-429", func() (string, error) {
		if err := injectFault(map[string]any{"operation": "create", "status": 429, "retry_after": 1}); err != nil {
			return "", err
		}
		started := time.Now()
		after, err := expectAttempts("create", 2, func() error {
			created, err := client.Uploads.New(ctx, createParams())
			if err == nil {
				err = validUpload(created, openai.UploadStatusPending)
			}
			return err
		})
		waited := time.Since(started)
		if err != nil {
			return "", err
		}
		if after.LastRetryCount == nil || *after.LastRetryCount != "1" {
			return "", fmt.Errorf("x-stainless-retry-count of the retry: %v", after.LastRetryCount)
		}
		if waited < 900*time.Millisecond {
			return "", fmt.Errorf("retried after %s, before the 1 s retry-after", waited)
		}
		return fmt.Sprintf("succeeded on attempt 2 after %d ms", waited.Milliseconds()), nil
	})

	check("retry-503", func() (string, error) {
		pending, err := client.Uploads.New(ctx, createParams())
		if err != nil {
			return "", err
		}
		if err := injectFault(map[string]any{"operation": "cancel", "status": 503}); err != nil {
			return "", err
		}
		_, err = expectAttempts("cancel", 2, func() error {
			result, err := client.Uploads.Cancel(ctx, pending.ID)
			if err == nil {
				err = validUpload(result, openai.UploadStatusCancelled)
			}
			return err
		})
		if err != nil {
			return "", err
		}
		return "cancel succeeded on attempt 2", nil
	})

	if failures > 0 {
		os.Exit(1)
	}
}
