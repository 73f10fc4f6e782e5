package main

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

// TestGCTightensAtFirstCollection: small runs keep Go's default target, so
// a built-in template's few MiB are never collected; from the first
// collection on, the target is gcPercent.
func TestGCTightensAtFirstCollection(t *testing.T) {
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	tightenGCWhenLarge()
	got := debug.SetGCPercent(100)
	runtime.ReadMemStats(&after)
	// Only meaningful if no collection came in between.
	if after.NumGC == before.NumGC && got != 100 {
		t.Fatalf("GOGC is %d before any collection, want 100", got)
	}
	runtime.GC()
	deadline := time.Now().Add(5 * time.Second)
	for {
		// Finalizers run on their own goroutine after the collection.
		got := debug.SetGCPercent(100)
		if got == gcPercent {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("GOGC is %d after a collection, want %d", got, gcPercent)
		}
		time.Sleep(time.Millisecond)
	}
}
