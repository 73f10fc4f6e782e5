package recommend

import (
	"reflect"
	"testing"
)

// combos enumerates every combination of answers as a mixed-radix number:
// digit k is 0 for "no preference" or 1+value index for key k.
type combos struct {
	radix  []int
	stride []int
	total  int
}

func newCombos() combos {
	c := combos{total: 1}
	for _, q := range questions {
		c.radix = append(c.radix, len(q.Values)+1)
		c.stride = append(c.stride, c.total)
		c.total *= len(q.Values) + 1
	}
	return c
}

func (c combos) decode(idx int, vals []int) {
	for k := range vals {
		vals[k] = (idx/c.stride[k])%c.radix[k] - 1
	}
}

func answersOf(vals []int) Answers {
	a := Answers{}
	for k, v := range vals {
		if v != unset {
			a[questions[k].Key] = questions[k].Values[v]
		}
	}
	return a
}

// Adding any answer to any combination must never lower either framework's
// score, must add at least a single-key rule's weight to the side that rule
// favours, and, when it adds to one side only, must not move the verdict
// away from that side.
func TestMonotonic(t *testing.T) {
	c := newCombos()
	if c.total != 248832 {
		t.Fatalf("expected 248832 combinations, got %d", c.total)
	}
	scores := make([][2]int, c.total)
	vals := make([]int, len(questions))
	for idx := range scores {
		c.decode(idx, vals)
		scores[idx] = score(vals)
	}

	// Single-key rule weight per (key, value), for the "favoured side" check.
	var single [][][2]int
	for _, q := range questions {
		single = append(single, make([][2]int, len(q.Values)))
	}
	for _, r := range rules() {
		if len(r.when) == 1 {
			single[r.when[0].key][r.when[0].value][r.favors] += r.weight
		}
	}

	checks, failures := 0, 0
	for idx, before := range scores {
		c.decode(idx, vals)
		for k, v := range vals {
			if v != unset {
				continue
			}
			for nv := 0; nv < c.radix[k]-1; nv++ {
				after := scores[idx+(nv+1)*c.stride[k]]
				checks++
				ok := true
				for side := range 2 {
					if after[side] < before[side] || after[side]-before[side] < single[k][nv][side] {
						ok = false
					}
				}
				df, dd := after[flask]-before[flask], after[django]-before[django]
				if dd == 0 && df > 0 && winner(before) == flask && winner(after) != flask {
					ok = false
				}
				if df == 0 && dd > 0 && winner(before) == django && winner(after) != django {
					ok = false
				}
				if !ok {
					failures++
					if failures <= 5 {
						t.Errorf("%v + %s=%s: scores %v -> %v", answersOf(vals), questions[k].Key,
							questions[k].Values[nv], before, after)
					}
				}
			}
		}
	}
	if failures > 0 {
		t.Fatalf("%d of %d checks failed", failures, checks)
	}
	t.Logf("%d combinations, %d added-answer checks", c.total, checks)

	// The sweep used the scorer directly for speed; make sure Recommend
	// reports exactly those scores on a spread of combinations.
	for idx := 0; idx < c.total; idx += 997 {
		c.decode(idx, vals)
		r, err := Recommend(answersOf(vals))
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"flask": scores[idx][flask], "django": scores[idx][django]}
		if !reflect.DeepEqual(r.Scores, want) || r.Framework != frameworks[winner(scores[idx])] {
			t.Fatalf("%v: Recommend gave %s %v, scorer %v", answersOf(vals), r.Framework, r.Scores, want)
		}
	}
}
