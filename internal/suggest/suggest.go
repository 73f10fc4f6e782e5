// Package suggest finds the known word closest to a mistyped one, for
// "did you mean" hints in errors and lint findings.
package suggest

import "strings"

// Closest returns the candidate nearest to typed by optimal string alignment
// distance (Damerau–Levenshtein with adjacent transpositions), ignoring case,
// or "" when none is near enough to be a plausible typo: at most a third of
// the longer word may differ, and never more than three edits.
func Closest(typed string, candidates []string) string {
	best, bestD := "", -1
	t := strings.ToLower(typed)
	for _, c := range candidates {
		if c == typed {
			continue
		}
		d := Distance(t, strings.ToLower(c))
		limit := min(3, max(1, max(len(t), len(c))/3))
		if d > limit {
			continue
		}
		if bestD < 0 || d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// Hint is `; did you mean "X"?` for the closest candidate, or "".
func Hint(typed string, candidates []string) string {
	if c := Closest(typed, candidates); c != "" {
		return `; did you mean "` + c + `"?`
	}
	return ""
}

// Distance is the optimal string alignment distance between a and b, by runes.
func Distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
