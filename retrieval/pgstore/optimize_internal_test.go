package pgstore

import "testing"

func TestHNSWBuildMemory(t *testing.T) {
	for _, c := range []struct {
		rows       int64
		dims, m    int
		want       int64
		wantReason string
	}{
		{0, 384, 32, 0, "no rows"},
		{1, 384, 32, 1 << 20, "rounded up to a megabyte"},
		{55_646, 384, 32, 187 << 20, "MedQuAD: 2,816 bytes a row, a quarter more"},
		{100_000, 1536, 16, 824 << 20, "wider vectors, fewer links"},
		{1_000_000, 1536, 32, MaxAutoBuildMemory, "capped"},
	} {
		if got := hnswBuildMemory(c.rows, c.dims, c.m); got != c.want {
			t.Errorf("hnswBuildMemory(%d, %d, %d) = %d MB; want %d MB (%s)", c.rows, c.dims, c.m, got>>20, c.want>>20, c.wantReason)
		}
	}
}
