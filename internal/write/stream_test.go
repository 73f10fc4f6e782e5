package write

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fwgen/fwgen/internal/render"
)

// walked is a project in the order a template's tree is walked: a folder's
// files before and after its subfolders, folders revisited after a
// subfolder, and more files than one batch, so that writing meets each case
// of keeping folders open.
func walked() []render.File {
	var out []render.File
	add := func(p string, mode fs.FileMode) {
		out = append(out, render.File{Path: p, Data: []byte("content of " + p + "\n"), Mode: mode})
	}
	add(".fwgen.yaml", 0o644)
	add("README.md", 0o644)
	for i := range 3 {
		pkg := fmt.Sprintf("pkg%d", i)
		add(pkg+"/__init__.py", 0o644)
		for j := range 2 {
			for k := range 20 {
				add(fmt.Sprintf("%s/sub%d/m%02d.py", pkg, j, k), 0o644)
			}
			add(fmt.Sprintf("%s/sub%d/deep/er/x.py", pkg, j), 0o644)
			add(fmt.Sprintf("%s/sub%d/y.py", pkg, j), 0o644)
		}
		add(pkg+"/zz.py", 0o644)
	}
	add("run.sh", 0o755)
	return out
}

// produceAll emits files in order; after emitting stop of them (when stop
// is not negative) it returns err instead of going on.
func produceAll(files []render.File, stop int, err error) func(func(render.File) error) error {
	return func(emit func(render.File) error) error {
		for i, f := range files {
			if i == stop {
				return err
			}
			if err := emit(f); err != nil {
				return err
			}
		}
		if stop >= len(files) {
			return err
		}
		return nil
	}
}

func TestStreamFresh(t *testing.T) {
	files := walked()
	for _, deep := range []bool{false, true} {
		base := t.TempDir()
		target := filepath.Join(base, "proj")
		if deep {
			target = filepath.Join(base, "a", "b", "proj")
		}
		p, err := Check(target, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := Stream(context.Background(), p, produceAll(files, -1, nil)); err != nil {
			t.Fatalf("deep=%v: %v", deep, err)
		}
		assertProject(t, target, files)
		n := 0
		for _, v := range snapshot(t, target) {
			if !strings.HasPrefix(v, "dir ") {
				n++
			}
		}
		if n != len(files) {
			t.Errorf("deep=%v: target holds %d files, want %d", deep, n, len(files))
		}
		assertNoLeftovers(t, target)
	}
}

// TestStreamProduceFails: producing fails after some files were written
// (none, within the first batch, at a batch's edge, after every file): the
// producer's error is returned and nothing is left, not even the folders
// made above the target.
func TestStreamProduceFails(t *testing.T) {
	files := walked()
	bad := errors.New("template.txt:3:1: unknown name")
	for _, stop := range []int{0, 1, feedBatch - 1, feedBatch, feedBatch + 1, 2*feedBatch + 5, len(files)} {
		base := t.TempDir()
		target := filepath.Join(base, "a", "b", "proj")
		p, err := Check(target, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		err = Stream(context.Background(), p, produceAll(files, stop, bad))
		if !errors.Is(err, bad) {
			t.Errorf("failing after %d files: error = %v, want the producer's", stop, err)
		}
		if got := snapshot(t, base); len(got) != 1 {
			t.Errorf("failing after %d files: left %v", stop, got)
		}
	}
}

// TestStreamCancelled: cancelled half-way, whether the producer notices
// (as rendering does) or goes on regardless, nothing is left.
func TestStreamCancelled(t *testing.T) {
	files := walked()
	for _, notices := range []bool{true, false} {
		ctx, cancel := context.WithCancel(context.Background())
		base := t.TempDir()
		target := filepath.Join(base, "proj")
		p, err := Check(target, nil, false)
		if err != nil {
			t.Fatal(err)
		}
		err = Stream(ctx, p, func(emit func(render.File) error) error {
			for i, f := range files {
				if i == 2*feedBatch+3 {
					cancel()
				}
				if notices && ctx.Err() != nil {
					return ctx.Err()
				}
				if err := emit(f); err != nil {
					return err
				}
			}
			return nil
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("producer notices=%v: error = %v, want context.Canceled", notices, err)
		}
		if got := snapshot(t, base); len(got) != 1 {
			t.Errorf("producer notices=%v: left %v", notices, got)
		}
	}
}

// TestStreamAbandonedProducer: a producer that returns while work it
// started goes on emitting (a render abandoned after a cancellation) must
// find emit failing, not blocking forever or panicking.
func TestStreamAbandonedProducer(t *testing.T) {
	files := walked()
	ctx, cancel := context.WithCancel(context.Background())
	target := filepath.Join(t.TempDir(), "proj")
	p, err := Check(target, nil, false)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	var lateErr error
	wg.Add(1)
	err = Stream(ctx, p, func(emit func(render.File) error) error {
		cancel()
		go func() {
			defer wg.Done()
			time.Sleep(10 * time.Millisecond)
			for _, f := range files {
				if lateErr = emit(f); lateErr != nil {
					return
				}
			}
		}()
		return ctx.Err()
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	wg.Wait()
	if lateErr == nil {
		t.Error("emit after the writer stopped succeeded")
	}
	if _, err := os.Lstat(target); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("target exists: %v", err)
	}
	assertNoLeftovers(t, target)
}

// TestStreamNotFresh: an existing target is filled in place, as Write does,
// once everything is produced, whatever order it came in.
func TestStreamNotFresh(t *testing.T) {
	files := walked()
	target := filepath.Join(t.TempDir(), "proj")
	writeTree(t, target, map[string]string{"keep.txt": "mine", "README.md": "old"})
	p, err := Check(target, files, true)
	if err != nil {
		t.Fatal(err)
	}
	if err := Stream(context.Background(), p, produceAll(files, -1, nil)); err != nil {
		t.Fatal(err)
	}
	assertProject(t, target, files)
	if b, err := os.ReadFile(filepath.Join(target, "keep.txt")); err != nil || string(b) != "mine" {
		t.Errorf("keep.txt = %q, %v", b, err)
	}
	assertNoLeftovers(t, target)
	bad := errors.New("late render error")
	before := snapshot(t, target)
	if err := Stream(context.Background(), p, produceAll(files, len(files)-1, bad)); !errors.Is(err, bad) {
		t.Errorf("error = %v, want the producer's", err)
	}
	if !mapsEqual(before, snapshot(t, target)) {
		t.Error("a failed producer changed the target")
	}
}

// TestStreamFaults fails each operation of a streamed write at each call,
// once and from then on, and with removing failing too. Each trial runs
// twice: the error must be the same both times, so the file it names does
// not depend on how far producing had got. The folders around the target
// must be as before, except where removing was made to fail; then the next
// run must recover the rest. A producer that fails as well after its last
// file must have its error reported instead of the fault.
func TestStreamFaults(t *testing.T) {
	files := walked()
	bad := errors.New("render failed after the last file")
	counter := &faults{counts: map[string]int{}}
	{
		base := t.TempDir()
		p, err := Check(filepath.Join(base, "a", "proj"), nil, false)
		if err != nil {
			t.Fatal(err)
		}
		if err := stream(context.Background(), counter.open, p, produceAll(files, -1, nil)); err != nil {
			t.Fatalf("clean run: %v", err)
		}
		assertProject(t, p.Target, files)
	}
	ops := make([]string, 0, len(counter.counts))
	for op := range counter.counts {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	if counter.counts["write"] != len(files) {
		t.Fatalf("%d writes for %d files", counter.counts["write"], len(files))
	}
	trials := 0
	for _, op := range ops {
		for at := 1; at <= counter.counts[op]; at++ {
			if op == "write" && !slices.Contains([]int{1, 2, feedBatch, feedBatch + 1, 2 * feedBatch, len(files) - 1, len(files)}, at) {
				// Every write but the first few and those at a batch's
				// edge is like its neighbours.
				continue
			}
			for _, mode := range []string{"once", "sticky", "then-removeall", "producer-fails"} {
				trials++
				name := fmt.Sprintf("%s#%d/%s", op, at, mode)
				var errs []string
				for range 2 {
					f := &faults{counts: map[string]int{}, op: op, at: at, sticky: mode == "sticky",
						then: strings.TrimPrefix(mode, "then-")}
					base := t.TempDir()
					target := filepath.Join(base, "a", "proj")
					p, err := Check(target, nil, false)
					if err != nil {
						t.Fatal(err)
					}
					stop := -1
					if mode == "producer-fails" {
						stop = len(files)
					}
					err = stream(context.Background(), f.open, p, produceAll(files, stop, bad))
					// A producer that fails has its last files dropped
					// unwritten, so the fault may not be met.
					if f.fired == 0 && mode != "producer-fails" {
						t.Fatalf("%s: the fault never fired", name)
					}
					if mode == "producer-fails" {
						if !errors.Is(err, bad) {
							t.Errorf("%s: error = %v, want the producer's", name, err)
						}
					} else if err == nil {
						// Only a failed clean-up of a complete project may
						// go unreported.
						assertProject(t, target, files)
						if !cleanupFailed(f) {
							t.Errorf("%s: succeeded", name)
						}
						recoverAll(t, base, target)
						continue
					}
					// Only the work folder's random name and the test's
					// folder may differ.
					errs = append(errs, anyWork.ReplaceAllString(strings.ReplaceAll(err.Error(), base, "BASE"), "WORK"))
					if leftover(t, base) {
						if !cleanupFailed(f) {
							t.Errorf("%s: left a work folder: %v", name, err)
						}
						recoverAll(t, base, target)
					}
					for k, v := range snapshot(t, base) {
						if k != "." && !(cleanupFailed(f) && strings.HasPrefix(v, "dir ")) {
							t.Errorf("%s: left %s (%s): %v", name, k, v, err)
						}
					}
				}
				if len(errs) == 2 && errs[0] != errs[1] {
					t.Errorf("%s: errors differ between runs:\n%s\n%s", name, errs[0], errs[1])
				}
			}
		}
	}
	t.Logf("%d trials; calls per operation in a clean run: %v", trials, counter.counts)
}

var anyWork = regexp.MustCompile(`\.fwgen-[a-z2-7]{8}`)

// BenchmarkStream writes 10,000 small files into a fresh target as they are
// produced, against producing them all first and then writing them; the
// producer makes each file's bytes, as rendering does. Run on a tmpfs
// (TMPDIR=/dev/shm) to see fwgen's cost rather than the disk's.
func BenchmarkStream(b *testing.B) {
	const n = 10000
	produce := func(emit func(render.File) error) error {
		for i := range n {
			p := fmt.Sprintf("pkg/m%03d/f%05d.py", i/100, i)
			if err := emit(render.File{Path: p, Data: []byte(strings.Repeat("# "+p+"\n", 4)), Mode: 0o644}); err != nil {
				return err
			}
		}
		return nil
	}
	for _, streamed := range []bool{false, true} {
		b.Run(fmt.Sprintf("streamed=%v", streamed), func(b *testing.B) {
			root := b.TempDir()
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p, err := Check(filepath.Join(root, fmt.Sprint(i)), nil, false)
				if err != nil {
					b.Fatal(err)
				}
				if streamed {
					err = Stream(context.Background(), p, produce)
				} else {
					var files []render.File
					if err = produce(func(f render.File) error { files = append(files, f); return nil }); err == nil {
						err = Write(context.Background(), p, files)
					}
				}
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				if err := os.RemoveAll(p.Target); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/file")
		})
	}
}
