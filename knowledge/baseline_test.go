package knowledge_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"newsbot/knowledge"
	"newsbot/knowledge/knowledgetest"
)

// baselineArticles are short articles on distinct topics, each using the
// others' words now and then, so that BM25 has to weigh them.
func baselineArticles() []knowledge.Article {
	day := time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)
	return []knowledge.Article{
		{ID: "harbour", Title: "City council approves harbour bridge", Source: "test", Published: day,
			Body: "The city council voted to build a new bridge over the harbour. Construction starts in spring. " +
				"The mayor said the bridge would cut traffic. Ferry operators asked for a delay."},
		{ID: "drought", Title: "Farmers warn of drought", Source: "test", Published: day,
			Body: "Farmers in the valley warn that the drought will shrink the wheat harvest. " +
				"Reservoirs are at a third of their usual level. The council promised water subsidies."},
		{ID: "chess", Title: "Teenager wins national chess title", Source: "test", Published: day,
			Body: "A sixteen-year-old won the national chess championship on Sunday. " +
				"She beat the defending champion in the final round. Her coach praised her endgame."},
		{ID: "orchestra", Title: "Orchestra opens season", Source: "test", Published: day,
			Body: "The city orchestra opened its season with a symphony by Sibelius. " +
				"Tickets sold out within a day. The conductor thanked the council for its grant."},
	}
}

func TestSearchPlainArticles(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t, baselineArticles()...)
	for _, c := range []struct {
		query string
		want  string // the article ranked first
	}{
		{"Which bridge did the council approve?", "harbour"},
		{"How low are the reservoirs after the drought?", "drought"},
		{"Who won the chess championship?", "chess"},
		{"What did the orchestra play to open its season?", "orchestra"},
	} {
		got, err := st.SearchPlainArticles(ctx, c.query, 20)
		if err != nil {
			t.Fatalf("SearchPlainArticles(%q): %v", c.query, err)
		}
		if len(got) == 0 || got[0].ID != c.want {
			t.Errorf("SearchPlainArticles(%q) ranks %v, want %s first", c.query, articleIDs(got), c.want)
			continue
		}
		if got[0].Title == "" || got[0].Published.IsZero() || got[0].Body != "" {
			t.Errorf("SearchPlainArticles(%q)[0] = %+v, want title and date without the body", c.query, got[0])
		}
	}

	// "council" is in three articles: all are found, and the limit holds.
	got, err := st.SearchPlainArticles(ctx, "council", 20)
	if err != nil {
		t.Fatal(err)
	}
	if ids := articleIDs(got); len(ids) != 3 || slices.Contains(ids, "chess") {
		t.Errorf("council: %v, want harbour, drought and orchestra", ids)
	}
	if got, err = st.SearchPlainArticles(ctx, "council", 2); err != nil || len(got) != 2 {
		t.Errorf("council limit 2: %d articles, %v; want 2", len(got), err)
	}
	// Words only: FTS5 syntax in a query is quoted, and stop words alone find nothing.
	for _, q := range []string{`bridge" OR chess NEAR(`, "bridge*"} {
		if got, err := st.SearchPlainArticles(ctx, q, 20); err != nil || len(got) == 0 || got[0].ID != "harbour" {
			t.Errorf("SearchPlainArticles(%q) = %v, %v; want harbour first", q, articleIDs(got), err)
		}
	}
	if got, err := st.SearchPlainArticles(ctx, "?!", 20); err != nil || len(got) != 0 {
		t.Errorf("SearchPlainArticles(no words) = %v, %v; want none", articleIDs(got), err)
	}
}

func TestIndexPlainArticlesRebuilds(t *testing.T) {
	ctx := context.Background()
	st := knowledgetest.MustOpenDB(t, baselineArticles()...)
	if got, err := st.SearchPlainArticles(ctx, "volcano", 20); err != nil || len(got) != 0 {
		t.Fatalf("volcano before: %v, %v; want none", articleIDs(got), err)
	}
	mustPut(t, st, knowledge.Article{ID: "volcano", Title: "Volcano erupts", Source: "test",
		Body: "A volcano erupted on the island overnight. Flights were cancelled."})
	// The index holds the articles of when it was built ...
	if got, err := st.SearchPlainArticles(ctx, "volcano", 20); err != nil || len(got) != 0 {
		t.Errorf("volcano before rebuilding: %v, %v; want none", articleIDs(got), err)
	}
	// ... until it is rebuilt.
	if err := st.IndexPlainArticles(ctx); err != nil {
		t.Fatal(err)
	}
	if got, err := st.SearchPlainArticles(ctx, "volcano erupted", 20); err != nil || len(got) != 1 || got[0].ID != "volcano" {
		t.Errorf("volcano after rebuilding: %v, %v; want [volcano]", articleIDs(got), err)
	}
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO plain_articles_fts(plain_articles_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		t.Errorf("integrity check: %v", err)
	}
}

func articleIDs(as []knowledge.Article) []string {
	ids := make([]string, len(as))
	for i, a := range as {
		ids[i] = a.ID
	}
	return ids
}
