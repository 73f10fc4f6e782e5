package combos

import (
	"fmt"
	"testing"

	"github.com/fwgen/fwgen/internal/manifest"
)

func TestEnumerate(t *testing.T) {
	qs := []manifest.Question{
		{Key: "name", Type: manifest.TypeString},
		{Key: "db", Type: manifest.TypeChoice, Choices: []string{"sqlite", "postgres", "mysql"}},
		{Key: "docker", Type: manifest.TypeBool},
		{Key: "extras", Type: manifest.TypeMulti, Choices: []string{"a", "b"}},
	}
	got, capped := Enumerate(qs, DefaultCap)
	// 3 choices x 2 bools x 4 multi (none, a, b, a+b)
	if len(got) != 24 || capped {
		t.Fatalf("got %d sets (capped %v), want 24 uncapped", len(got), capped)
	}
	seen := map[string]bool{}
	for _, s := range got {
		if _, ok := s["name"]; ok {
			t.Fatalf("string question varied: %v", s)
		}
		k := fmt.Sprint(s["db"], s["docker"], s["extras"])
		if seen[k] {
			t.Fatalf("duplicate combination %s", k)
		}
		seen[k] = true
	}
	if fmt.Sprint(got[0]) != "map[db:sqlite docker:false extras:[]]" ||
		fmt.Sprint(got[23]) != "map[db:mysql docker:true extras:[a b]]" {
		t.Fatalf("order: first %v, last %v", got[0], got[23])
	}
}

func TestEnumerateCap(t *testing.T) {
	var qs []manifest.Question
	for i := range 14 {
		qs = append(qs, manifest.Question{Key: fmt.Sprintf("b%d", i), Type: manifest.TypeBool})
	}
	got, capped := Enumerate(qs, DefaultCap)
	if len(got) != DefaultCap || !capped {
		t.Fatalf("got %d (capped %v), want %d capped", len(got), capped, DefaultCap)
	}
	got, capped = Enumerate(qs[:12], DefaultCap)
	if len(got) != 4096 || capped {
		t.Fatalf("12 bools: got %d (capped %v), want 4096 exactly, not capped", len(got), capped)
	}
}

func TestEnumerateNone(t *testing.T) {
	got, capped := Enumerate(nil, DefaultCap)
	if len(got) != 1 || len(got[0]) != 0 || capped {
		t.Fatalf("no varying questions must give the one empty set, got %v", got)
	}
}
