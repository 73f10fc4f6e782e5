//go:build e2e

package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestUpdate proves `fwgen update` on what users really do: generate a
// project, make it their own (a route or a setting, and a test of their
// own), commit, turn a feature on with update, then install the result
// from PyPI and run its tests, theirs included.
func TestUpdate(t *testing.T) {
	if os.Getenv("FWGEN_E2E_UPDATE") == "off" {
		t.Skip("FWGEN_E2E_UPDATE=off")
	}
	s := newSuiteKeepingSummary(t)
	for _, c := range []struct {
		v      variant
		sets   []string // one update each, committed in between
		edit   func(r *variantRun) error
		expect []string // files the updates must create or change
	}{
		{variant{Name: "update-flask", Framework: "flask", Project: "upapp", Set: map[string]any{}}, []string{"docker=true", "api=true"}, editFlask,
			[]string{"Dockerfile", "upapp/api/routes.py", "tests/test_api.py"}},
		{variant{Name: "update-django", Framework: "django", Project: "upsite", Set: map[string]any{}}, []string{"database=postgres"}, editDjango,
			[]string{"pyproject.toml"}},
	} {
		t.Run(c.v.Name, func(t *testing.T) {
			r := newVariantRun(t, s, c.v)
			if err := os.RemoveAll(r.dir); err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(r.logDir, 0o755); err != nil {
				t.Fatal(err)
			}
			r.runSteps([]step{
				{name: "generate", fatal: true, run: r.stepGenerate},
				{name: "edit", fatal: true, run: func() error { return c.edit(r) }},
				{name: "update", fatal: true, run: func() error { return r.stepUpdate(c.sets, c.expect) }},
				{name: "install", fatal: true, run: r.stepInstall},
				{name: "pytest", run: r.stepPytest},
			})
		})
	}
}

func gitEnv() []string {
	return mergeEnv(cleanEnviron(), "GIT_AUTHOR_NAME=e2e", "GIT_AUTHOR_EMAIL=e2e@example.com",
		"GIT_COMMITTER_NAME=e2e", "GIT_COMMITTER_EMAIL=e2e@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
}

// commit makes the project a git work tree with everything committed, as
// update requires.
func (r *variantRun) commit(msg string) error {
	for _, argv := range [][]string{{"git", "init", "-q"}, {"git", "add", "-A"}, {"git", "commit", "-qm", msg}} {
		if _, err := r.execIn(r.proj, gitEnv(), time.Minute, argv...); err != nil {
			return err
		}
	}
	return nil
}

func replaceIn(path, old, new string) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if !strings.Contains(string(raw), old) {
		return fmt.Errorf("%s does not hold %q", path, old)
	}
	return os.WriteFile(path, []byte(strings.Replace(string(raw), old, new, 1)), 0o644)
}

// editFlask adds a route, a setting of its own and a test of both.
func editFlask(r *variantRun) error {
	if err := r.commit("generated"); err != nil {
		return err
	}
	pkg := filepath.Join(r.proj, "upapp")
	if err := appendFile(filepath.Join(pkg, "main", "routes.py"),
		"\n\n@bp.route(\"/about\")\ndef about() -> str:\n    return \"About us\"\n"); err != nil {
		return err
	}
	if err := replaceIn(filepath.Join(pkg, "config.py"), "    SESSION_COOKIE_HTTPONLY = True\n", "    SESSION_COOKIE_HTTPONLY = True\n    ABOUT_PAGE = True\n"); err != nil {
		return err
	}
	test := "from flask.testing import FlaskClient\n\n\ndef test_about(client: FlaskClient) -> None:\n" +
		"    assert client.get(\"/about\").data == b\"About us\"\n\n\n" +
		"def test_about_page_setting(client: FlaskClient) -> None:\n" +
		"    assert client.application.config[\"ABOUT_PAGE\"] is True\n"
	if err := os.WriteFile(filepath.Join(r.proj, "tests", "test_about.py"), []byte(test), 0o644); err != nil {
		return err
	}
	return r.commit("my edits")
}

// editDjango changes a setting and adds a test of its own.
func editDjango(r *variantRun) error {
	if err := r.commit("generated"); err != nil {
		return err
	}
	if err := replaceIn(filepath.Join(r.proj, "config", "settings", "base.py"), `TIME_ZONE = "UTC"`, `TIME_ZONE = "Europe/Berlin"`); err != nil {
		return err
	}
	test := "from django.conf import settings\n\n\ndef test_time_zone() -> None:\n    assert settings.TIME_ZONE == \"Europe/Berlin\"\n"
	if err := os.WriteFile(filepath.Join(r.proj, "tests", "test_mine.py"), []byte(test), 0o644); err != nil {
		return err
	}
	return r.commit("my edits")
}

// stepUpdate turns the features on, one update each, and checks that the
// user's work is kept.
func (r *variantRun) stepUpdate(sets, expect []string) error {
	for i, set := range sets {
		if i > 0 {
			if _, err := r.execIn(r.proj, gitEnv(), time.Minute, "git", "add", "-A"); err != nil {
				return err
			}
			if _, err := r.execIn(r.proj, gitEnv(), time.Minute, "git", "commit", "-qm", "update "+sets[i-1]); err != nil {
				return err
			}
		}
		out, err := r.execIn(r.proj, mergeEnv(cleanEnviron()), 2*time.Minute, r.s.fwgen, "update", "--set", set, "--no-input")
		if err != nil {
			return err
		}
		r.t.Logf("update --set %s:\n%s", set, out)
		if strings.Contains(out, "conflict") {
			return fmt.Errorf("update left conflicts:\n%s", out)
		}
		key, value, _ := strings.Cut(set, "=")
		rec, err := os.ReadFile(filepath.Join(r.proj, ".fwgen.yaml"))
		if err != nil || !strings.Contains(string(rec), "\n"+key+": "+value+"\n") {
			return fmt.Errorf("the record does not say %s: %s:\n%s", key, value, rec)
		}
	}
	for _, p := range expect {
		if _, err := os.Stat(filepath.Join(r.proj, p)); err != nil {
			return fmt.Errorf("update did not write %s", p)
		}
	}
	found := 0
	for _, p := range []string{"tests/test_about.py", "tests/test_mine.py"} {
		if _, err := os.Stat(filepath.Join(r.proj, p)); err == nil {
			found++
		}
	}
	if found != 1 {
		return fmt.Errorf("the user's own test file is gone")
	}
	return nil
}
