package main

import (
	"context"
	"flag"
	"fmt"
)

var backupCommand = command{
	name:  "backup",
	usage: "FILE",
	summary: `Copies the database into a new FILE with SQLite's online backup.
The copy is one consistent moment of the database, taken while searches,
loads and the bot go on; it is written beside FILE and renamed into place when
complete. An existing FILE is never overwritten. To restore, stop newsbot and
put the copy in place of the database (or point --db at it).`,
	flags: func(fs *flag.FlagSet) func(context.Context, *app, []string) error {
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) != 1 {
				return usagef("want one FILE to write the copy to")
			}
			st, err := a.openExisting(ctx)
			if err != nil {
				return err
			}
			if err := st.Backup(ctx, args[0]); err != nil {
				return err
			}
			n, _, err := st.Count(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "backed up %s (%s) to %s\n", a.absDB(), plural(n, "article", "articles"), args[0])
			return nil
		}
	},
}
