package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fwgen/fwgen/internal/cli"
	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/secret"
	"github.com/fwgen/fwgen/internal/synth"
	"github.com/fwgen/fwgen/templates"
)

// runBench renders and writes one project per iteration; only fwgen's own
// work is timed, not removing the previous project.
func runBench(b *testing.B, args func(out string) []string) {
	b.Helper()
	root := b.TempDir()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		out := filepath.Join(root, fmt.Sprint(i))
		var stderr bytes.Buffer
		d := &cli.Deps{
			In: strings.NewReader(""), Out: io.Discard, Err: &stderr, Dir: out,
			Rand: secret.Pinned("bench"), Now: time.Now, Templates: templates.FS, Version: "bench",
		}
		if code := cli.Run(context.Background(), args(out), d); code != 0 {
			b.Fatalf("exit %d: %s", code, stderr.String())
		}
		b.StopTimer()
		if err := os.RemoveAll(out); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkBuiltin renders and writes each built-in template's full variant.
func BenchmarkBuiltin(b *testing.B) {
	for _, v := range loadVariants(b) {
		if v.Template != "" {
			continue
		}
		b.Run(v.Name, func(b *testing.B) {
			runBench(b, func(out string) []string { return v.args(out) })
		})
	}
}

// BenchmarkRender measures rendering alone, from an in-memory template, so
// that the figure is fwgen's CPU cost and not the disk's.
func BenchmarkRender(b *testing.B) {
	for _, n := range []int{1000, 5000, 10000} {
		dir := b.TempDir()
		if err := synth.Template(dir, n); err != nil {
			b.Fatal(err)
		}
		mem := fstest.MapFS{}
		if err := fs.WalkDir(os.DirFS(dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(filepath.Join(dir, p))
			mem[p] = &fstest.MapFile{Data: data, Mode: 0o644}
			return err
		}); err != nil {
			b.Fatal(err)
		}
		tmpl, err := manifest.Load(mem, "synth")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				eng := render.New(tmpl, secret.Pinned("bench"))
				files, err := eng.Files(map[string]any{"project_slug": "synth", "greeting": "hi"})
				if err != nil || len(files) != n {
					b.Fatalf("%d files, %v", len(files), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/file")
		})
	}
}

// BenchmarkSynthetic measures time against file count; ns/file should stay
// flat from 1,000 to 10,000 files if time grows linearly.
func BenchmarkSynthetic(b *testing.B) {
	for _, n := range []int{1000, 5000, 10000} {
		dir := b.TempDir()
		if err := synth.Template(dir, n); err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			runBench(b, func(out string) []string {
				return []string{"new", "synth", "--no-input", "--template", dir, "--output", out}
			})
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/file")
			// Includes removing each project between runs, which is small.
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*n), "B/file")
		})
	}
}

// BenchmarkVersion is the in-process part of `fwgen version`: building the
// command tree and running the smallest command.
func BenchmarkVersion(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		var out bytes.Buffer
		d := &cli.Deps{In: strings.NewReader(""), Out: &out, Err: io.Discard, Templates: templates.FS, Version: "bench", Now: time.Now}
		if code := cli.Run(context.Background(), []string{"version"}, d); code != 0 {
			b.Fatalf("exit %d", code)
		}
	}
}
