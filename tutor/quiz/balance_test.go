package quiz

import (
	"fmt"
	"slices"
	"testing"
)

func TestBalance(t *testing.T) {
	var items []Item
	// 20 text items, all with the key first: the worst case.
	for i := 0; i < 20; i++ {
		items = append(items, sba(fmt.Sprintf("Question %d about which medicine?", i), 0, "Adrenaline", "Chlorphenamine", "Hydrocortisone", "Salbutamol", "Glucagon"))
	}
	// 5 amount items in ascending order, which keep their order.
	for i := 0; i < 5; i++ {
		items = append(items, sba(fmt.Sprintf("What dose %d?", i), 2, "150 micrograms", "300 micrograms", "500 micrograms", "1 mg", "5 mg"))
	}
	// Items of other kinds are left alone.
	items = append(items, tf("A statement.", true), mcq("Which apply? Select all that apply.", []int{0, 1}, "A", "B", "C", "D"))
	ids := make([]string, len(items))
	for i := range items {
		ids[i] = ContentID(&items[i])
	}
	before := KeyPositions(items)
	if before.Even || before.Counts[0] != 20 {
		t.Fatalf("before: %v; want keys bunched at position 0", before)
	}
	moved, kb := Balance(items)
	if moved == 0 || !kb.Even || kb.Items != 25 || kb.Options != 5 {
		t.Errorf("Balance moved %d items; %v; want an even spread of 25 items", moved, kb)
	}
	for _, c := range kb.Counts {
		if c != 5 {
			t.Errorf("counts %v; want 5 at each position", kb.Counts)
			break
		}
	}
	for i := range items {
		if got := ContentID(&items[i]); got != ids[i] {
			t.Errorf("item %d: ContentID changed from %s to %s when options were reordered", i, ids[i], got)
		}
		if i >= 20 && i < 25 && items[i].Options[2].Text != "500 micrograms" {
			t.Errorf("amount item %d was reordered: %v", i, items[i].Options)
		}
		if i < 20 {
			// The distractors keep their order.
			var ds []string
			for _, o := range items[i].Options {
				if !o.Correct {
					ds = append(ds, o.Text)
				}
			}
			if !slices.Equal(ds, []string{"Chlorphenamine", "Hydrocortisone", "Salbutamol", "Glucagon"}) {
				t.Errorf("item %d distractors reordered: %v", i, ds)
			}
		}
	}
	// Balancing again changes nothing: it is deterministic and stable.
	if moved, _ := Balance(items); moved != 0 {
		t.Errorf("second Balance moved %d items", moved)
	}
	if s := kb.String(); s == "" {
		t.Error("empty String")
	}
}

func TestMoveOption(t *testing.T) {
	for _, tc := range []struct {
		from, to int
		want     string
	}{
		{0, 4, "BCDEA"}, {4, 0, "EABCD"}, {1, 3, "ACDBE"}, {3, 1, "ADBCE"}, {2, 2, "ABCDE"},
	} {
		opts := []Option{{Text: "A"}, {Text: "B"}, {Text: "C"}, {Text: "D"}, {Text: "E"}}
		moveOption(opts, tc.from, tc.to)
		got := ""
		for _, o := range opts {
			got += o.Text
		}
		if got != tc.want {
			t.Errorf("moveOption(%d, %d) = %s; want %s", tc.from, tc.to, got, tc.want)
		}
	}
}
