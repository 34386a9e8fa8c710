//go:build !unix

package filestore

import "time"

func cpuTime() time.Duration { return 0 }
