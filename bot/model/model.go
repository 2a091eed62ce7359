// Package model talks to chat language models for newsbot. Model is the small
// interface the answer pipeline needs; OpenAI implements it for any
// OpenAI-compatible server (OpenAI, OpenRouter, Ollama, llama.cpp's server,
// vLLM, LM Studio) with streaming, timeouts, bounded retries and a limit on
// concurrent calls. Failures are *Error values with a Reason (see errors.go).
package model

import "context"

// Role says who wrote a Message.
type Role string

// The roles of a chat.
const (
	RoleSystem    Role = "system"
	RoleUser      Role = "user"
	RoleAssistant Role = "assistant"
)

// Message is one message of a chat.
type Message struct {
	Role    Role
	Content string
}

// Model is a chat language model.
type Model interface {
	// Complete returns the model's reply to msgs. onText, when not nil,
	// receives the whole reply so far each time more of it streams in; if
	// an attempt fails and is retried, the text starts again from the
	// beginning. On failure it returns the ctx's error when ctx ended, and
	// otherwise an *Error saying why.
	Complete(ctx context.Context, msgs []Message, onText func(soFar string)) (string, error)
}
