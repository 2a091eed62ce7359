package main

import (
	"math"
	"testing"
)

// TestAskSendsSampling checks the temperature and max_tokens that newsbot
// ask puts in the model request, by default and as the environment sets
// them.
func TestAskSendsSampling(t *testing.T) {
	tests := []struct {
		name            string
		env             map[string]string
		wantTemperature float64
		wantMaxTokens   int // 0: left out
	}{
		{name: "Defaults", wantTemperature: 0.2, wantMaxTokens: 600},
		{name: "Set", env: map[string]string{"NEWSBOT_MODEL_TEMPERATURE": "0.7", "NEWSBOT_MODEL_MAX_TOKENS": "300"},
			wantTemperature: 0.7, wantMaxTokens: 300},
		{name: "ZeroTemperatureAndNoCap", env: map[string]string{"NEWSBOT_MODEL_TEMPERATURE": "0", "NEWSBOT_MODEL_MAX_TOKENS": "0"},
			wantTemperature: 0},
	}
	db := askDB(t, askArticles...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			askClearEnv(t)
			srv := askFakeModel(t, "Anna Berg will represent Sweden [%d].", "Anna Berg")
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			askJSON(t, db, "Who will represent Sweden at the Geneva talks?")
			req := srv.Requests()[0]
			if req.Temperature == nil || math.Abs(*req.Temperature-tt.wantTemperature) > 1e-6 {
				t.Errorf("temperature = %v, want %v sent", req.Temperature, tt.wantTemperature)
			}
			switch {
			case tt.wantMaxTokens == 0 && req.MaxTokens != nil:
				t.Errorf("max_tokens = %d, want none sent", *req.MaxTokens)
			case tt.wantMaxTokens != 0 && (req.MaxTokens == nil || *req.MaxTokens != tt.wantMaxTokens):
				t.Errorf("max_tokens = %v, want %d", req.MaxTokens, tt.wantMaxTokens)
			}
		})
	}
}
