package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/bedside-ai/bedside/retrieval"
	"github.com/bedside-ai/bedside/retrieval/guidance"
)

func docsCommand() *command {
	return &command{
		name:    "docs",
		summary: "list, approve, withdraw or delete stored guidance",
		sub: []*command{
			{name: "list", summary: "list stored document versions and their status", usage: "[flags] [ID...]", run: runDocsList},
			{name: "approve", summary: "approve a version (supersedes the current one)", usage: "[flags] ID VERSION", run: runDocsApprove},
			{name: "withdraw", summary: "withdraw a version, or every version", usage: "[flags] ID [VERSION]", run: runDocsWithdraw},
			{name: "delete", summary: "delete every version of a document", usage: "[flags] ID", run: runDocsDelete},
		},
	}
}

func runDocsList(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "docs list", "[flags] [ID...]")
	var sf storeFlags
	sf.register(fs, env)
	asJSON := fs.Bool("json", false, "print as JSON")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	lib, closeStore, err := sf.open(ctx, env, retrieval.Options{})
	if err != nil {
		return err
	}
	defer closeStore()
	docs, err := lib.Store().Documents(ctx, sf.tenant, ids...)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(docs)
	}
	if len(docs) == 0 {
		fmt.Fprintf(env.stdout, "No documents in %s.\n", sf.describe(env))
		return nil
	}
	now := time.Now()
	tw := tabwriter.NewWriter(env.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tVERSION\tSTATUS\tIN FORCE\tREVIEW DUE\tCHUNKS\tTITLE")
	for _, d := range docs {
		inForce := "no"
		if d.InForce(now) {
			inForce = "yes"
		}
		review := date(d.ReviewDue)
		if d.ReviewOverdue(now) {
			review += " (overdue)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\n", d.ID, d.Version, d.Status, inForce, review, d.Chunks, d.Title)
	}
	return tw.Flush()
}

func date(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}

func runDocsApprove(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "docs approve", "[flags] ID VERSION")
	var sf storeFlags
	sf.register(fs, env)
	by := fs.String("by", "", "who approved it (recorded as approved_by)")
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 2 {
		return usagef("docs approve: want ID VERSION")
	}
	return setStatus(ctx, env, &sf, retrieval.StatusChange{ID: rest[0], Version: rest[1], Status: guidance.Approved, By: *by})
}

func runDocsWithdraw(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "docs withdraw", "[flags] ID [VERSION]")
	var sf storeFlags
	sf.register(fs, env)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) < 1 || len(rest) > 2 {
		return usagef("docs withdraw: want ID [VERSION]")
	}
	c := retrieval.StatusChange{ID: rest[0], Status: guidance.Withdrawn}
	if len(rest) == 2 {
		c.Version = rest[1]
	}
	return setStatus(ctx, env, &sf, c)
}

func setStatus(ctx context.Context, env *environment, sf *storeFlags, c retrieval.StatusChange) error {
	if err := c.Validate(); err != nil {
		return usagef("%v", err)
	}
	lib, closeStore, err := sf.open(ctx, env, retrieval.Options{})
	if err != nil {
		return err
	}
	defer closeStore()
	if err := lib.Store().SetStatus(ctx, sf.tenant, c); err != nil {
		return err
	}
	what := c.ID
	if c.Version != "" {
		what += "@" + c.Version
	} else {
		what += " (every version)"
	}
	fmt.Fprintf(env.stdout, "%s is now %s.\n", what, c.Status)
	return nil
}

func runDocsDelete(ctx context.Context, env *environment, args []string) error {
	fs := newFlags(env, "docs delete", "[flags] ID")
	var sf storeFlags
	sf.register(fs, env)
	rest, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usagef("docs delete: want ID")
	}
	lib, closeStore, err := sf.open(ctx, env, retrieval.Options{})
	if err != nil {
		return err
	}
	defer closeStore()
	if err := lib.Store().Delete(ctx, sf.tenant, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "%s deleted.\n", rest[0])
	return nil
}
