package format

import (
	"strings"

	"github.com/bedside-ai/bedside/tutor/quiz"
)

// Moodle XML and GIFT have no fields for an item's type, difficulty or
// Bloom level, so they travel as Moodle question tags with a reserved
// prefix ("type:vignette", "difficulty:hard", "bloom:apply"); in Moodle's
// question bank an educator can filter by them. The item's topic becomes a
// question category below the bank's: "$course$/top/<bank>/<topic>".

var metaPrefixes = []string{"type:", "difficulty:", "bloom:"}

// metaTag reports whether t uses a reserved prefix.
func metaTag(t string) bool {
	l := strings.ToLower(t)
	for _, p := range metaPrefixes {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return false
}

// metaTags returns the reserved tags that carry it's metadata.
func metaTags(it *quiz.Item) []string {
	tags := []string{"type:" + string(it.Type)}
	if it.Difficulty != "" {
		tags = append(tags, "difficulty:"+string(it.Difficulty))
	}
	if it.Bloom != "" {
		tags = append(tags, "bloom:"+string(it.Bloom))
	}
	return tags
}

// applyMetaTags moves the reserved tags with a known value from tags into
// it's fields and returns the other tags. typ is set only if the tag's type
// agrees with the question's kind (compatible reports that).
func applyMetaTags(it *quiz.Item, tags []string, compatible func(quiz.Type) bool) []string {
	var rest []string
	for _, t := range tags {
		name, value, _ := strings.Cut(t, ":")
		switch strings.ToLower(name) + ":" {
		case "type:":
			if typ := quiz.Type(value); typ.Valid() && compatible(typ) {
				it.Type = typ
				continue
			}
		case "difficulty:":
			switch d := quiz.Difficulty(value); d {
			case quiz.Easy, quiz.Medium, quiz.Hard:
				it.Difficulty = d
				continue
			}
		case "bloom:":
			switch b := quiz.Bloom(value); b {
			case quiz.Remember, quiz.Understand, quiz.Apply, quiz.Analyse, quiz.Evaluate, quiz.Create:
				it.Bloom = b
				continue
			}
		}
		rest = append(rest, t)
	}
	return rest
}

// Moodle category paths name the context and then the categories from the
// top, separated by "/"; a "/" inside a name is written "//"
// (question/format.php create_category_path, split_category_path).

const categoryRoot = "$course$/top/"

// categoryPath returns the Moodle category for an item of topic in bank.
func categoryPath(bank, topic string) string {
	if bank == "" {
		bank = "Bedside"
	}
	p := categoryRoot + escapeCategory(trim(bank))
	if t := trim(topic); t != "" {
		p += "/" + escapeCategory(t)
	}
	return p
}

func escapeCategory(s string) string { return strings.ReplaceAll(s, "/", "//") }

// splitCategory reads a category path into the bank name (its first
// category below the context's top) and the topic (the rest).
func splitCategory(path string) (bank, topic string) {
	path = trim(path)
	for _, ctx := range []string{"$course$", "$system$", "$cat1$", "$module$", "$coursecategory$"} {
		if strings.HasPrefix(path, ctx+"/") {
			path = path[len(ctx)+1:]
			break
		}
	}
	parts := splitCategoryPath(path)
	if len(parts) > 0 && parts[0] == "top" {
		parts = parts[1:]
	}
	if len(parts) == 0 {
		return "", ""
	}
	return parts[0], strings.Join(parts[1:], "/")
}

// splitCategoryPath splits on every "/" that is not part of a "//".
func splitCategoryPath(p string) []string {
	var parts []string
	var cur strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '/' {
			cur.WriteByte(p[i])
			continue
		}
		j := i
		for j < len(p) && p[j] == '/' {
			j++
		}
		n := j - i
		if n == 1 {
			parts = append(parts, trim(cur.String()))
			cur.Reset()
		} else {
			cur.WriteString(strings.Repeat("/", n/2))
			if n%2 == 1 {
				parts = append(parts, trim(cur.String()))
				cur.Reset()
			}
		}
		i = j - 1
	}
	return append(parts, trim(cur.String()))
}

// categoryNameProblem returns why a bank name or topic cannot be a Moodle
// category name, or "".
func categoryNameProblem(s string) string {
	t := trim(s)
	if strings.HasPrefix(t, "/") || strings.HasSuffix(t, "/") {
		return "starts or ends with \"/\", which Moodle's category paths cannot carry"
	}
	return ""
}
