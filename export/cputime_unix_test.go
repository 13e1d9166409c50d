//go:build unix

package export_test

import (
	"syscall"
	"testing"
	"time"
)

// cpuMeter reports a benchmark's CPU time per iteration (all threads of
// the process: the SQLite work, the GC) as cpu-ms/op. On a machine shared
// with other work, wall time overstates the cost and CPU time does not.
type cpuMeter struct{ start time.Duration }

func startCPU() cpuMeter { return cpuMeter{cpuTime()} }

func (m cpuMeter) report(b *testing.B) {
	b.ReportMetric(float64((cpuTime()-m.start).Milliseconds())/float64(b.N), "cpu-ms/op")
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
