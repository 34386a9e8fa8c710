//go:build !unix

package grounding

func cpuTime() int64 { return -1 }
