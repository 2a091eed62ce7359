package model

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Reason says why a model call failed, in terms an operator can act on.
type Reason string

// The reasons a model call fails. This file is the one place that maps the
// API's failures to them.
const (
	Unauthorized  Reason = "unauthorized"            // the API key was refused
	ModelNotFound Reason = "model not found"         // OPENAI_MODEL names no model the server has
	RateLimited   Reason = "rate limited"            // 429: too many requests, or the quota is spent
	ServerError   Reason = "server error"            // 5xx
	ContextLength Reason = "context length exceeded" // the prompt didn't fit the model's window
	Timeout       Reason = "timeout"                 // no reply, or a stream that stalled
	Unreachable   Reason = "unreachable"             // connection refused, DNS, TLS
	Interrupted   Reason = "interrupted"             // the stream broke off mid-answer
	BadRequest    Reason = "bad request"             // another 4xx
	BadResponse   Reason = "bad response"            // a reply that could not be read, or was empty
)

// Error is a failed model call.
type Error struct {
	Reason Reason
	// Status is the HTTP status, 0 when the call got none.
	Status int
	// Code is the API's error code, such as "insufficient_quota", when it gave one.
	Code string
	// RetryAfter is how long the server asked to wait, 0 when it didn't say.
	RetryAfter time.Duration
	Err        error
}

func (e *Error) Error() string {
	if e.Status != 0 {
		return fmt.Sprintf("model: %s (HTTP %d): %v", e.Reason, e.Status, e.Err)
	}
	return fmt.Sprintf("model: %s: %v", e.Reason, e.Err)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// UserMessage returns a short explanation of the failure that is safe to show
// anyone: no keys, addresses or server messages.
func (e *Error) UserMessage() string {
	switch e.Reason {
	case Unauthorized:
		return "The language model refused newsbot's credentials."
	case ModelNotFound:
		return "The configured language model isn't available on its server."
	case RateLimited:
		return "The language model is busy right now (rate limited)."
	case ServerError:
		return "The language model's server had an error."
	case ContextLength:
		return "The question and its evidence were too long for the language model."
	case Timeout:
		return "The language model took too long to answer."
	case Unreachable:
		return "The language model's server can't be reached."
	case Interrupted:
		return "The language model's answer broke off."
	case BadRequest:
		return "The language model rejected the request."
	default:
		return "The language model sent a reply newsbot couldn't read."
	}
}

// retryable reports whether trying again may succeed.
func (e *Error) retryable() bool {
	switch e.Reason {
	case RateLimited:
		return e.Code != "insufficient_quota"
	case ServerError, Timeout, Unreachable, Interrupted:
		return true
	}
	return false
}

// ReasonOf returns the Reason of a model error in err's chain, and "" when
// there is none.
func ReasonOf(err error) Reason {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return ""
}

// UserMessage returns what to tell a user about err: the Error's message for
// a model error, a generic one otherwise.
func UserMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.UserMessage()
	}
	return "The language model is unavailable."
}

// errStalled is the cause of an attempt cancelled because the model sent
// nothing for the configured timeout.
var errStalled = errors.New("no reply within the timeout")

// errEmpty is returned for a reply with no text.
var errEmpty = errors.New("empty reply")

// classify maps the error of one attempt to an *Error. attempt is the
// attempt's context, whose cause tells a timeout from other failures.
func classify(attempt context.Context, err error, info *responseInfo) *Error {
	e := &Error{Err: err, RetryAfter: info.retryAfter}
	if info.status >= 400 {
		e.Status = info.status
	}
	var apiErr *openai.APIError
	var reqErr *openai.RequestError
	message := ""
	switch {
	case errors.As(err, &apiErr):
		if apiErr.HTTPStatusCode != 0 {
			e.Status = apiErr.HTTPStatusCode
		}
		if apiErr.Code != nil {
			e.Code = fmt.Sprint(apiErr.Code)
		}
		message = apiErr.Message + " " + apiErr.Type
	case errors.As(err, &reqErr):
		e.Status = reqErr.HTTPStatusCode
		message = string(reqErr.Body)
	}

	switch {
	case errors.Is(context.Cause(attempt), errStalled),
		errors.Is(err, context.DeadlineExceeded), isNetTimeout(err):
		e.Reason = Timeout
	case contextLength(e.Code, message):
		e.Reason = ContextLength
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		e.Reason = Unauthorized
	case e.Status == http.StatusNotFound || (e.Code == "model_not_found"):
		e.Reason = ModelNotFound
	case e.Status == http.StatusTooManyRequests:
		e.Reason = RateLimited
	case e.Status >= 500:
		e.Reason = ServerError
	case e.Status >= 400:
		e.Reason = BadRequest
	case apiErr != nil:
		// An error sent inside a stream, with no status of its own.
		e.Reason = ServerError
	case errors.Is(err, errEmpty):
		e.Reason = BadResponse
	case errors.Is(err, io.ErrUnexpectedEOF), info.streaming:
		e.Reason = Interrupted
	case isNetError(err):
		e.Reason = Unreachable
	default:
		e.Reason = BadResponse
	}
	return e
}

// contextLength recognises the ways servers say a prompt is too long:
// OpenAI's code, and the messages of vLLM, llama.cpp, Ollama and others.
func contextLength(code, message string) bool {
	if code == "context_length_exceeded" {
		return true
	}
	m := strings.ToLower(message)
	for _, s := range []string{"context length", "context_length", "context window", "context size",
		"maximum context", "too many tokens", "prompt is too long", "input is too long"} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

func isNetTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isNetError(err error) bool {
	var ne net.Error
	var op *net.OpError
	var dns *net.DNSError
	return errors.As(err, &ne) || errors.As(err, &op) || errors.As(err, &dns)
}
