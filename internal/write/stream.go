package write

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/render"
)

// Stream is Write for files that are still being produced: produce runs
// on its own goroutine and hands each file to emit, and a fresh target's
// files are staged as they come, so that producing and writing overlap and
// the project is never held in memory whole. The guarantees are Write's:
// nothing is moved into place before produce has returned without error,
// and any failure leaves the target and its surroundings as they were.
// An error of produce is reported in preference to a write error, as if
// everything had been produced before anything was written: which error a
// run reports does not depend on how far writing got. A target that is
// not fresh is filled by Write once everything is produced.
//
// emit fails only when the writer has stopped listening; it must not be
// called after produce returns.
func Stream(ctx context.Context, p *Plan, produce func(emit func(render.File) error) error) error {
	return stream(ctx, openRoot, p, produce)
}

func stream(ctx context.Context, open openFunc, p *Plan, produce func(emit func(render.File) error) error) (err error) {
	if !p.Fresh {
		var files []render.File
		if err := produce(func(f render.File) error {
			files = append(files, f)
			return nil
		}); err != nil {
			return err
		}
		slices.SortFunc(files, func(a, b render.File) int { return cmp.Compare(a.Path, b.Path) })
		return write(ctx, open, p, files)
	}
	in := startFeed(produce)
	// Whatever stopped the writing, produce's own result decides first.
	defer func() { err = in.settle(err) }()
	return beside(open, p, func(pfs FS, name string, say func(string)) error {
		return fresh(ctx, pfs, name, p, say, func(staged string) error {
			return stageFeed(ctx, pfs, staged, p, in)
		})
	})
}

// stageFeed writes the files of in into the folder into as they arrive.
// It returns only when produce has finished, with produce's error if it
// failed, so that the work folder is removed or moved into place only then.
func stageFeed(ctx context.Context, dir FS, into string, p *Plan, in *feed) (err error) {
	defer func() { err = in.settle(err) }()
	s, err := makeStaging(dir, into)
	if err != nil {
		return err
	}
	defer s.Close()
	st := &stager{s: s, made: map[string]bool{".": true}}
	defer st.close()
	for b := in.next(); b != nil; b = in.next() {
		for _, f := range b {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := checkLocal(p, f.Path); err != nil {
				return err
			}
			if err := st.write(f); err != nil {
				return err
			}
		}
	}
	return in.wait()
}

// stager writes files that arrive in any order. It keeps open the folder
// of the last file and the folders above it that were opened on the way:
// a template's files arrive folder by folder as its tree is walked, so a
// folder is seldom opened twice, and no more folders are open at once than
// a path is deep.
type stager struct {
	s    FS
	made map[string]bool
	open []openDir // each one inside the one before
}

type openDir struct {
	name string
	d    Dir
}

func (st *stager) write(f render.File) error {
	d, err := st.dir(path.Dir(f.Path), f.Path)
	if err != nil {
		return err
	}
	if err := d.WriteFile(path.Base(f.Path), f.Data, f.Mode.Perm()); err != nil {
		return fmt.Errorf("staging %s: %w", short(f.Path), err)
	}
	return nil
}

// dir opens the folder name, making it and the folders above it first
// when needed; file, the file about to be written there, names a failure.
func (st *stager) dir(name, file string) (Dir, error) {
	for len(st.open) > 0 {
		top := st.open[len(st.open)-1]
		if top.name == name {
			return top.d, nil
		}
		if top.name == "." || strings.HasPrefix(name, top.name+"/") {
			break
		}
		top.d.Close()
		st.open = st.open[:len(st.open)-1]
	}
	for _, d := range parents(file) {
		if st.made[d] {
			continue
		}
		if err := st.s.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("staging %s: %w", short(file), err)
		}
		st.made[d] = true
	}
	d, err := st.s.OpenDir(name)
	if err != nil {
		return nil, fmt.Errorf("staging %s: %w", short(file), err)
	}
	st.open = append(st.open, openDir{name: name, d: d})
	return d, nil
}

func (st *stager) close() {
	for _, o := range st.open {
		o.d.Close()
	}
	st.open = nil
}

// Files travel from producer to writer in batches: handing over each file
// alone costs a goroutine switch per file, about a quarter of what writing
// it costs (BenchmarkStream, tmpfs). The channel holds a few batches, which
// bounds the memory in flight whichever side is faster.
const (
	feedBatch = 32
	feedDepth = 4
)

// feed carries files from the goroutine that produces them to the one that
// writes them.
type feed struct {
	batches chan []render.File
	result  chan error    // produce's error, once it has returned
	stop    chan struct{} // closed when the writer has stopped listening
	batch   []render.File // the producer's batch being filled

	// The writer's side.
	finished bool
	err      error
	settled  bool
}

var errStopped = errors.New("the writer stopped")

func startFeed(produce func(emit func(render.File) error) error) *feed {
	f := &feed{
		batches: make(chan []render.File, feedDepth),
		result:  make(chan error, 1),
		stop:    make(chan struct{}),
	}
	go func() {
		var err error
		defer func() {
			if v := recover(); v != nil {
				err = fail.Panic(v)
			}
			f.result <- err
		}()
		err = produce(f.emit)
		if err == nil && len(f.batch) > 0 {
			// produce has returned, so no emit runs any more (a render
			// abandoned after a cancellation returns an error).
			err = f.send(f.batch)
		}
	}()
	return f
}

func (f *feed) emit(file render.File) error {
	if f.batch == nil {
		f.batch = make([]render.File, 0, feedBatch)
	}
	f.batch = append(f.batch, file)
	if len(f.batch) < feedBatch {
		return nil
	}
	b := f.batch
	f.batch = nil
	return f.send(b)
}

func (f *feed) send(b []render.File) error {
	// A select picks at random among ready cases: once the writer has
	// stopped, room in the channel must not let a send through.
	select {
	case <-f.stop:
		return errStopped
	default:
	}
	select {
	case f.batches <- b:
		return nil
	case <-f.stop:
		return errStopped
	}
}

// next is the next batch, or nil once produce has returned and every batch
// it sent has been taken.
func (f *feed) next() []render.File {
	if !f.finished {
		select {
		case b := <-f.batches:
			return b
		case f.err = <-f.result:
			f.finished = true
		}
	}
	// Everything produce sent is queued before its result.
	select {
	case b := <-f.batches:
		return b
	default:
		return nil
	}
}

// wait discards what is left, waits for produce and returns its error.
func (f *feed) wait() error {
	for f.next() != nil {
	}
	if !f.settled {
		f.settled = true
		close(f.stop)
	}
	return f.err
}

// settle is the error a run reports, given err, the writer's own: produce's
// error if it failed, else err.
func (f *feed) settle(err error) error {
	if perr := f.wait(); perr != nil {
		return perr
	}
	return err
}
