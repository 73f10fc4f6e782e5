package update

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/fwgen/fwgen/internal/answers"
	"github.com/fwgen/fwgen/internal/fail"
	"github.com/fwgen/fwgen/internal/generate"
	"github.com/fwgen/fwgen/internal/prompt"
	"github.com/fwgen/fwgen/internal/recommend"
	"github.com/fwgen/fwgen/internal/render"
	"github.com/fwgen/fwgen/internal/secret"
	"github.com/fwgen/fwgen/internal/source"
)

// Options are what one update depends on.
type Options struct {
	// Project is the generated project's folder, absolute.
	Project string
	// Given are changed answers (--answers, --set).
	Given answers.Set
	// Prompter asks the questions that are new in the target; nil takes
	// their defaults.
	Prompter prompt.Prompter
	// Ref is the target version of a git template; "" takes its newest
	// semver tag, else its default branch.
	Ref        string
	AllowDirty bool
	Loader     source.Loader
	// Rand supplies the secrets of files the update creates.
	Rand    io.Reader
	Version string
	// Git is the git command; "git" when empty.
	Git string
}

// Side names a template version.
type Side struct {
	Template string `json:"template"`
	Version  string `json:"version"`
	Source   string `json:"source,omitempty"`
	Commit   string `json:"commit,omitempty"`
}

func (s Side) String() string {
	out := s.Template + " " + s.Version
	if s.Commit != "" {
		out += fmt.Sprintf(" (%.12s)", s.Commit)
	}
	return out
}

// Result is a prepared update: what each file gets, and the new record.
type Result struct {
	Project string  `json:"project"`
	From    Side    `json:"from"`
	To      Side    `json:"to"`
	Entries []Entry `json:"files"`
	// TwoWay says the recorded version could not be rebuilt, so no file
	// the user has was overwritten.
	TwoWay bool        `json:"two_way"`
	Record render.File `json:"-"`
	// ChangedAnswers lists the answers that differ from the record.
	ChangedAnswers []string `json:"changed_answers"`
}

// Conflicts lists the paths left in conflict.
func (r *Result) Conflicts() []string {
	var out []string
	for _, e := range r.Entries {
		if e.Action == Conflict {
			out = append(out, e.Path)
		}
	}
	return out
}

// recordFile is the record's name; generate owns it.
const recordFile = generate.RecordFile

// recorded is what a project's record says about its template.
type recorded struct {
	answers  answers.Set
	meta     map[string]any
	template string
	version  string
	location string
	commit   string
}

func readRecord(project string) (*recorded, error) {
	p := filepath.Join(project, recordFile)
	if _, err := os.Stat(p); errors.Is(err, fs.ErrNotExist) {
		return nil, fail.Invalidf("%s is not a generated project: it has no %s (give the project folder with --project)", project, recordFile)
	}
	f, err := answers.Load(p)
	if err != nil {
		return nil, err
	}
	r := &recorded{answers: f.Answers, meta: f.Meta}
	r.template, _ = f.Meta["_template"].(string)
	r.version, _ = f.Meta["_template_version"].(string)
	r.location, _ = f.Meta["_template_source"].(string)
	r.commit, _ = f.Meta["_template_commit"].(string)
	if r.template == "" || r.version == "" {
		return nil, fail.Invalidf("%s names no template or version (_template, _template_version); it was not written by fwgen", p)
	}
	return r, nil
}

// Prepare renders base and theirs, reads ours and decides every file. It
// changes nothing.
func Prepare(ctx context.Context, o Options) (*Result, error) {
	rec, err := readRecord(o.Project)
	if err != nil {
		return nil, err
	}
	base, theirs, err := loadTemplates(ctx, o, rec)
	if err != nil {
		return nil, err
	}
	given, changed, err := targetAnswers(rec, theirs, o.Given)
	if err != nil {
		return nil, err
	}
	if err := checkClean(ctx, o); err != nil {
		return nil, err
	}
	name := filepath.Base(o.Project)
	recAnswers := recommend.Pick(rec.answers)
	req := generate.Request{
		Template: theirs, Name: name, Given: given, Prompter: o.Prompter,
		OtherKeys: recommend.Keys(), Version: o.Version,
		// The same fixed source for base and theirs: a file the template
		// did not change renders the same on both sides, secrets included.
		Rand:           secret.Pinned("fwgen update"),
		Recommendation: &generate.Recommendation{Answers: recAnswers, Recorded: rec.meta["_recommendation"]},
	}
	theirsGen, err := generate.Generate(ctx, req)
	if err != nil {
		return nil, err
	}
	theirsTree, record := split(theirsGen.Files)
	var baseTree Tree
	if base != nil {
		baseGen, err := generate.Generate(ctx, generate.Request{
			Template: base, Name: name, Given: recordedAnswers(rec, base), OtherKeys: recommend.Keys(),
			Version: o.Version, Rand: secret.Pinned("fwgen update"), NoRecord: true,
		})
		if err != nil {
			return nil, fmt.Errorf("rebuilding the recorded template version %s %s: %w", rec.template, rec.version, err)
		}
		baseTree = TreeOf(baseGen.Files)
	}
	ours, err := readOurs(o.Project, baseTree, theirsTree)
	if err != nil {
		return nil, err
	}
	if err := checkMarkers(o.Project, ours); err != nil {
		return nil, err
	}
	to := side(theirs)
	entries, err := Plan(baseTree, theirsTree, ours, GitMerger{Ctx: ctx, Git: o.Git}, "template "+to.Version)
	if err != nil {
		return nil, err
	}
	if err := freshSecrets(ctx, req, o.Rand, entries); err != nil {
		return nil, err
	}
	for i := range entries {
		entries[i].Diff = diff(entries[i], ours)
	}
	from := Side{Template: rec.template, Version: rec.version, Source: rec.location, Commit: rec.commit}
	return &Result{Project: o.Project, From: from, To: to, Entries: entries, TwoWay: base == nil,
		Record: record, ChangedAnswers: changed}, nil
}

func side(t *source.Template) Side {
	return Side{Template: t.Name, Version: t.Version, Source: t.Location, Commit: t.Commit}
}

// split separates the record from the template's files.
func split(files []render.File) (Tree, render.File) {
	var rec render.File
	var rest []render.File
	for _, f := range files {
		if f.Path == recordFile {
			rec = f
			continue
		}
		rest = append(rest, f)
	}
	return TreeOf(rest), rec
}

// freshSecrets gives files the update creates secrets of their own: base
// and theirs share a fixed source so that unchanged text compares equal,
// which must not be what a new file keeps.
func freshSecrets(ctx context.Context, req generate.Request, r io.Reader, entries []Entry) error {
	if r == nil || !slices.ContainsFunc(entries, func(e Entry) bool { return e.Action == Create }) {
		return nil
	}
	req.Rand, req.Prompter = r, nil
	fresh, err := generate.Generate(ctx, req)
	if err != nil {
		return err
	}
	tree, _ := split(fresh.Files)
	for i, e := range entries {
		if f, ok := tree[e.Path]; ok && e.Action == Create {
			entries[i].Result = &f
		}
	}
	return nil
}

// recordedAnswers are the record's answers the base template takes.
func recordedAnswers(rec *recorded, t *source.Template) answers.Set {
	out := answers.Set{}
	for _, k := range t.Keys() {
		if v, ok := rec.answers[k]; ok {
			out[k] = v
		}
	}
	return out
}

// unchangeable are answers an update cannot change, and why.
var unchangeable = map[string]string{
	"project_slug": "it names the Python package and the distribution, so changing it is a rename of the project, not an update",
}

// targetAnswers are the recorded answers the target takes, with the given
// ones over them; changed lists the keys whose value changes.
func targetAnswers(rec *recorded, theirs *source.Template, given answers.Set) (answers.Set, []string, error) {
	if err := generate.CheckKeys(given, theirs.Keys(), recommend.Keys()); err != nil {
		return nil, nil, err
	}
	out := recordedAnswers(rec, theirs)
	var changed []string
	for _, k := range slices.Sorted(maps.Keys(given)) {
		v := given[k]
		old, had := rec.answers[k]
		if had && fmt.Sprint(old) == fmt.Sprint(v) {
			continue
		}
		if why, ok := unchangeable[k]; ok && had {
			return nil, nil, fail.Invalidf("%s cannot change in an update (%v → %v): %s", k, old, v, why)
		}
		if slices.Contains(recommend.Keys(), k) {
			continue
		}
		out[k] = v
		changed = append(changed, k)
	}
	return out, changed, nil
}

// readOurs reads the user's files at every path either template writes.
func readOurs(project string, trees ...Tree) (Tree, error) {
	out := Tree{}
	for _, t := range trees {
		for p := range t {
			if _, done := out[p]; done {
				continue
			}
			full := filepath.Join(project, filepath.FromSlash(p))
			st, err := os.Lstat(full)
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", full, err)
			}
			if !st.Mode().IsRegular() {
				return nil, fail.Exists(fmt.Errorf("%s is not a regular file where the template has one; move it away and run update again; nothing was changed", full))
			}
			data, err := os.ReadFile(full)
			if err != nil {
				return nil, fmt.Errorf("reading %s: %w", full, err)
			}
			out[p] = File{Data: data, Mode: st.Mode().Perm()}
		}
	}
	return out, nil
}

// checkMarkers refuses to run while an earlier update's conflicts are
// unresolved, so that a second run can never erase them.
func checkMarkers(project string, ours Tree) error {
	var left []string
	for _, p := range slices.Sorted(maps.Keys(ours)) {
		if Markers(ours[p].Data) {
			left = append(left, p)
		}
		if _, err := os.Lstat(filepath.Join(project, filepath.FromSlash(p+NewSuffix))); err == nil {
			left = append(left, p+NewSuffix)
		}
	}
	if len(left) > 0 {
		return fail.Exists(fmt.Errorf("conflicts from an earlier update are not resolved in: %s\nResolve the markers (and delete each %s file once merged), then run update again; nothing was changed",
			strings.Join(left, ", "), NewSuffix))
	}
	return nil
}

// checkClean refuses a git work tree with uncommitted changes, so that the
// user can always see, and undo, exactly what the update changed.
func checkClean(ctx context.Context, o Options) error {
	if o.AllowDirty {
		return nil
	}
	bin := o.Git
	if bin == "" {
		bin = "git"
	}
	if _, err := exec.LookPath(bin); err != nil {
		return nil
	}
	inside := exec.CommandContext(ctx, bin, "-C", o.Project, "rev-parse", "--is-inside-work-tree")
	if out, err := inside.Output(); err != nil || strings.TrimSpace(string(out)) != "true" {
		return nil
	}
	out, err := exec.CommandContext(ctx, bin, "-C", o.Project, "status", "--porcelain", "--", ".").Output()
	if err != nil {
		return fmt.Errorf("asking git for uncommitted changes: %w", err)
	}
	if status := strings.TrimRight(string(out), "\n"); status != "" {
		lines := strings.Split(status, "\n")
		if len(lines) > 10 {
			lines = append(lines[:10], fmt.Sprintf("… and %d more", len(lines)-10))
		}
		return fail.Exists(fmt.Errorf("%s has uncommitted changes; commit or stash them first, so the update's own changes stand alone (or give --allow-dirty); nothing was changed:\n%s",
			o.Project, strings.Join(lines, "\n")))
	}
	return nil
}

// diff shows what an entry does to the user's file.
func diff(e Entry, ours Tree) string {
	old := ours[e.Path].Data
	switch e.Action {
	case Create, Update, Merge, Conflict:
		if e.Result == nil {
			return ""
		}
		if binary(old) || binary(e.Result.Data) {
			return fmt.Sprintf("binary file %s\n", e.Path)
		}
		from := "a/" + e.Path
		if _, ok := ours[e.Path]; !ok {
			from = "/dev/null"
		}
		return udiff.Unified(from, "b/"+e.Path, string(old), string(e.Result.Data))
	case Remove:
		return udiff.Unified("a/"+e.Path, "/dev/null", string(old), "")
	}
	return ""
}

// Files are what applying the result writes: every changed file, the
// copies beside binary conflicts, and the new record.
func (r *Result) Files() []render.File {
	var out []render.File
	for _, e := range r.Entries {
		if e.Result != nil && e.Changes() {
			out = append(out, render.File{Path: e.Path, Data: e.Result.Data, Mode: e.Result.Mode})
		}
		if e.Beside != nil {
			out = append(out, render.File{Path: e.Path + NewSuffix, Data: e.Beside.Data, Mode: e.Beside.Mode})
		}
	}
	out = append(out, r.Record)
	slices.SortFunc(out, func(a, b render.File) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// Removals are the paths applying the result removes.
func (r *Result) Removals() []string {
	var out []string
	for _, e := range r.Entries {
		if e.Action == Remove {
			out = append(out, e.Path)
		}
	}
	return out
}

// loadTemplates loads the base (the recorded version; nil when it cannot be
// rebuilt) and theirs (the target version).
func loadTemplates(ctx context.Context, o Options, rec *recorded) (base, theirs *source.Template, err error) {
	l := o.Loader
	switch {
	case rec.location == "":
		if o.Ref != "" {
			return nil, nil, fail.Invalidf("--ref chooses a version of a git template; this project uses the built-in template %s, whose version is the running fwgen's", rec.template)
		}
		if theirs, err = l.Load(ctx, rec.template); err != nil {
			return nil, nil, err
		}
		base, _, err = l.BuiltinVersion(rec.template, rec.version)
		return base, theirs, err
	case rec.commit != "" && l.IsGit(rec.location):
		ref := o.Ref
		if ref == "" {
			if ref, err = l.NewestTag(ctx, rec.location); err != nil {
				return nil, nil, err
			}
		}
		spec := rec.location
		if ref != "" {
			spec += "@" + ref
		}
		if theirs, err = l.Load(ctx, spec); err != nil {
			return nil, nil, err
		}
		if theirs.Commit == rec.commit {
			return theirs, theirs, nil
		}
		base, err = l.Load(ctx, rec.location+"@"+rec.commit)
		if err != nil && fail.Code(err) == fail.CodeInvalid && ctx.Err() == nil {
			// The recorded commit is gone (a rewritten history): two-way.
			return nil, theirs, nil
		}
		return base, theirs, err
	default:
		if o.Ref != "" {
			return nil, nil, fail.Invalidf("--ref chooses a version of a git template; this project's template is the folder %s", rec.location)
		}
		if theirs, err = l.Load(ctx, folderSpec(l, o.Project, rec.location)); err != nil {
			return nil, nil, err
		}
		// A folder keeps no history: its files are the recorded version's
		// only while its version is the same.
		if theirs.Version == rec.version {
			return theirs, theirs, nil
		}
		return nil, theirs, nil
	}
}

// folderSpec finds a recorded folder: as given from where fwgen runs, else
// beside the project, where `fwgen new` was run from by default.
func folderSpec(l source.Loader, project, loc string) string {
	if filepath.IsAbs(loc) {
		return loc
	}
	if st, err := os.Stat(filepath.Join(l.Dir, loc)); err == nil && st.IsDir() {
		return loc
	}
	return filepath.Join(filepath.Dir(project), loc)
}
