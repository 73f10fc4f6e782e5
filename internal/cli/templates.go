package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"
)

func newTemplatesCmd(d *Deps) *cobra.Command {
	var asJSON bool
	c := &cobra.Command{
		Use:     "templates",
		Short:   "List the built-in templates and their versions",
		Example: "  fwgen templates\n  fwgen templates --json",
		Args:    noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			all, err := d.catalog().All()
			if err != nil {
				return err
			}
			if asJSON {
				type entry struct {
					Name        string   `json:"name"`
					Version     string   `json:"version"`
					Description string   `json:"description"`
					Keys        []string `json:"keys"`
				}
				out := []entry{}
				for _, t := range all {
					out = append(out, entry{t.Name, t.Version, t.Description, t.Keys()})
				}
				return writeJSON(d.Out, out)
			}
			tw := tabwriter.NewWriter(d.Out, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVERSION\tDESCRIPTION")
			for _, t := range all {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", t.Name, t.Version, t.Description)
			}
			return tw.Flush()
		},
	}
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}

func writeJSON(w interface{ Write([]byte) (int, error) }, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
