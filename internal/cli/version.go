package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVersionCmd(d *Deps) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print fwgen's version",
		Args:  noArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprintf(d.Out, "fwgen %s\n", d.Version)
			return err
		},
	}
}
