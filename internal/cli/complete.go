package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/fwgen/fwgen/internal/manifest"
	"github.com/fwgen/fwgen/internal/recommend"
)

// completeSets completes --set: answer keys (followed by "=") until the "="
// is typed, then that key's values where they are a closed list. With
// templateKeys false only the recommendation's keys are offered.
func completeSets(d *Deps, templateKeys bool) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		values := map[string][]string{}
		var keys []string
		for _, q := range recommend.Questions() {
			keys = append(keys, q.Key)
			values[q.Key] = q.Values
		}
		if templateKeys {
			all, _ := d.catalog().All()
			for _, t := range all {
				for _, q := range t.Questions {
					if !slices.Contains(keys, q.Key) {
						keys = append(keys, q.Key)
					}
					switch q.Type {
					case manifest.TypeBool:
						values[q.Key] = []string{"true", "false"}
					case manifest.TypeChoice, manifest.TypeMulti:
						for _, c := range q.Choices {
							if !slices.Contains(values[q.Key], c) {
								values[q.Key] = append(values[q.Key], c)
							}
						}
					}
				}
			}
		}
		var out []string
		key, typed, hasValue := strings.Cut(toComplete, "=")
		if !hasValue {
			for _, k := range keys {
				if strings.HasPrefix(k, key) {
					out = append(out, k+"=")
				}
			}
			return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
		}
		for _, v := range values[key] {
			if strings.HasPrefix(v, typed) {
				out = append(out, key+"="+v)
			}
		}
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeTemplate completes --template and SRC arguments: the built-in
// templates' names and folders (a template is a folder, never a file).
func completeTemplate(d *Deps) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		var out []string
		if names, err := d.catalog().Names(); err == nil {
			for _, n := range names {
				if strings.HasPrefix(n, toComplete) {
					out = append(out, n)
				}
			}
		}
		dir, base := filepath.Split(toComplete)
		entries, _ := os.ReadDir(d.abs(dir))
		for _, e := range entries {
			name := e.Name()
			if !strings.HasPrefix(name, base) || (strings.HasPrefix(name, ".") && !strings.HasPrefix(base, ".")) {
				continue
			}
			if e.IsDir() || isDirLink(filepath.Join(d.abs(dir), name)) {
				out = append(out, dir+name+"/")
			}
		}
		return out, cobra.ShellCompDirectiveNoSpace | cobra.ShellCompDirectiveNoFileComp
	}
}

func isDirLink(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
