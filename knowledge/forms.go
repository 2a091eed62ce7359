package knowledge

import "strings"

// forms returns w and the other forms of its word that the index's
// stemmer does not reduce to the same stem: a question asks "How many
// cases did she lose?" of an article that says "she never lost a case",
// and "Who will win?" of one that says who won. It returns w alone for
// words without such forms.
func forms(w string) []string {
	if family, ok := wordFamilies[w]; ok {
		return family
	}
	return []string{w}
}

// wordFamilies maps each form of an irregular word to all its forms, that
// form first. Forms that are also common words of another meaning are left
// out ("left", "fed", "bit", "lay"), and so are families whose forms mean
// different things ("person" and "people").
var wordFamilies = func() map[string][]string {
	const families = `arise arose arisen; awake awoke awoken; become became; begin began begun;
		bite bitten; bleed bled; blow blew blown; break broke broken; breed bred; bring brought;
		build built; buy bought; catch caught; choose chose chosen; come came; creep crept;
		deal dealt; die died dying; dig dug; draw drew drawn; drink drank drunk; drive drove driven;
		eat ate eaten; fall fell fallen; feel felt; fight fought; find found; flee fled;
		fly flew flown; forbid forbade forbidden; forget forgot forgotten; forgive forgave forgiven;
		freeze froze frozen; get got gotten; give gave given; go went gone; grow grew grown;
		hang hung; hear heard; hide hid hidden; hold held; keep kept; kneel knelt; know knew known;
		lead led; lend lent; lie lied lying; lose lost; make made; meet met; mislead misled;
		overcome overcame; overthrow overthrew overthrown; pay paid; ride rode ridden; ring rang rung;
		rise rose risen; run ran; see saw seen; seek sought; sell sold; send sent; shake shook shaken;
		shine shone; shoot shot; shrink shrank shrunk; sing sang sung; sink sank sunk; sit sat;
		sleep slept; slide slid; speak spoke spoken; spend spent; spin spun; spring sprang sprung;
		stand stood; steal stole stolen; stick stuck; sting stung; strike struck stricken;
		swear swore sworn; sweep swept; swim swam swum; swing swung; take took taken; teach taught;
		tear tore torn; think thought; throw threw thrown; tie tied tying; undergo underwent undergone;
		understand understood; undertake undertook undertaken; uphold upheld; wake woke woken;
		wear wore worn; weep wept; win won; withdraw withdrew withdrawn; write wrote written;
		child children; man men; woman women; mouse mice; foot feet; tooth teeth; goose geese;
		wife wives; knife knives; thief thieves; wolf wolves; shelf shelves; half halves;
		crisis crises; analysis analyses; thesis theses; criterion criteria; phenomenon phenomena`
	m := map[string][]string{}
	for _, family := range strings.Split(families, ";") {
		fs := strings.Fields(family)
		for i, f := range fs {
			// Each form leads its own list: the question's word comes first.
			own := append([]string{f}, fs[:i]...)
			m[f] = append(own, fs[i+1:]...)
		}
	}
	return m
}()
