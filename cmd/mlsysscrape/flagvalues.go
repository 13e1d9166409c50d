package main

import (
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// The flag types of this file check a value when it is parsed: a bad one
// is a usage error naming the flag and what was expected, before any work
// is done, and never carries Go's parser messages (strconv.ParseInt,
// "time: missing unit").

// valueError is what a flag value of this file says is wrong with a
// value: only what was expected, as flagValueError puts the flag and
// the value in front of it.
type valueError string

func (e valueError) Error() string { return string(e) }

func wantf(format string, a ...any) error { return valueError(fmt.Sprintf(format, a...)) }

// flagValueError is flagError with pflag's "invalid argument "x" for
// "--flag" flag: cause" said as `--flag "x": what was expected`, the
// way the commands' other flag errors read. A cause from a type that is
// not of this file (a bool, a list) is replaced by what its type expects:
// those are Go's parser messages.
func flagValueError(c *cobra.Command, err error) error {
	var ive *pflag.InvalidValueError
	if errors.As(err, &ive) {
		var ve valueError
		if !errors.As(ive.Unwrap(), &ve) {
			ve = expected(ive.GetFlag().Value.Type())
		}
		err = fmt.Errorf("--%s %q: %w", ive.GetFlag().Name, ive.GetValue(), ve)
	}
	return flagError(c, err)
}

// expected says what a value of a pflag type is.
func expected(typ string) valueError {
	switch typ {
	case "bool":
		return "want true or false, or the flag alone for true"
	case "stringSlice", "stringArray":
		return "want a comma-separated list of names"
	case "int", "int64", "uint", "count":
		return "want a whole number"
	}
	return valueError("want a " + typ)
}

// reportValueErrors makes cmd's flag errors read as flagValueError says.
func reportValueErrors(cmd *cobra.Command) {
	cmd.SetFlagErrorFunc(flagValueError)
}

// parseDuration reads a duration as time.ParseDuration does, with errors
// that say what to type: a number without a unit asks for one.
func parseDuration(s string) (time.Duration, error) {
	d, err := time.ParseDuration(s)
	if err == nil {
		return d, nil
	}
	digits := strings.TrimLeft(s, "+-")
	if _, ferr := strconv.ParseFloat(digits, 64); ferr == nil && strings.Trim(digits, "0123456789.") == "" {
		if strings.HasPrefix(s, "-") {
			return 0, wantf("want a duration of 0 or more, such as 500ms, 30s or 2m")
		}
		return 0, wantf("add a unit, e.g. %ss (ms, s, m or h)", digits)
	}
	return 0, wantf("want a duration such as 500ms, 30s or 2m (units: ms, s, m, h)")
}

// durationValue is a duration flag that refuses a negative value, and 0
// unless zeroOK.
type durationValue struct {
	p      *time.Duration
	zeroOK bool
}

func durationVar(f *pflag.FlagSet, p *time.Duration, name string, value time.Duration, zeroOK bool, usage string) {
	*p = value
	f.Var(&durationValue{p: p, zeroOK: zeroOK}, name, usage)
}

func (d *durationValue) Set(s string) error {
	v, err := parseDuration(s)
	if strings.HasPrefix(s, "-") && err != nil {
		v, err = -1, nil // a negative number, with a unit or not
	}
	switch {
	case err != nil:
		return err
	case v < 0 && d.zeroOK:
		return wantf("want a duration of 0 or more, such as 500ms or 2s")
	case v <= 0 && !d.zeroOK:
		return wantf("want a duration above 0, such as 30s or 2m")
	}
	*d.p = v
	return nil
}

func (d *durationValue) String() string { return d.p.String() }

func (d *durationValue) Type() string { return "duration" }

// countValue is a whole-number flag of at least min; note, if any, says
// what min means.
type countValue struct {
	p    *int
	min  int
	note string
}

func countVar(f *pflag.FlagSet, p *int, name string, value, min int, note, usage string) {
	*p = value
	f.Var(&countValue{p: p, min: min, note: note}, name, usage)
}

func (c *countValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < c.min {
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-") {
			return wantf("too large; want a whole number of %d or more%s", c.min, c.note)
		}
		return wantf("want a whole number of %d or more%s", c.min, c.note)
	}
	*c.p = n
	return nil
}

func (c *countValue) String() string { return strconv.Itoa(*c.p) }

func (c *countValue) Type() string { return "int" }

// sizeValue is a size flag, more than 0 bytes: see ParseSize.
type sizeValue struct{ p *int64 }

func sizeVar(f *pflag.FlagSet, p *int64, name string, value int64, usage string) {
	*p = value
	f.Var(&sizeValue{p: p}, name, usage)
}

func (v *sizeValue) Set(s string) error {
	n, err := parseSize(s)
	if err != nil {
		return err
	}
	if n == 0 {
		return wantf("want a size above 0, such as 20MB or 512KiB")
	}
	*v.p = n
	return nil
}

func (v *sizeValue) String() string { return formatSize(*v.p) }

func (v *sizeValue) Type() string { return "size" }

// sizeUnit is a unit of sizes: decimal (kB = 1000 B) or binary (KiB =
// 1024 B).
type sizeUnit struct {
	name string
	n    int64
}

var (
	decimalUnits = []sizeUnit{{"kB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"PB", 1e15}, {"EB", 1e18}}
	binaryUnits  = []sizeUnit{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40}, {"PiB", 1 << 50}, {"EiB", 1 << 60}}
)

const sizeForms = "want a size such as 20MB, 512KiB, 1.5MB or 20971520 (bytes)"

// parseSize reads a number of bytes: plain digits, or a number (with a
// decimal fraction) followed by a unit, the decimal kB, MB, GB, TB, PB,
// EB (1000ⁿ) or the binary KiB, MiB, GiB, TiB, PiB, EiB (1024ⁿ), in any
// case; B is bytes. The result is a whole number of bytes that fits an
// int64; 0 is read.
func parseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "-") {
		return 0, wantf("want a size of 0 or more, such as 20MB")
	}
	i := strings.IndexFunc(t, func(r rune) bool { return (r < '0' || r > '9') && r != '.' })
	if i < 0 {
		i = len(t)
	}
	num, unitName := t[:i], strings.TrimSpace(t[i:])
	whole, frac, dot := strings.Cut(num, ".")
	if whole == "" || (dot && frac == "") || strings.Contains(frac, ".") {
		return 0, valueError(sizeForms)
	}
	unit, ok := lookupUnit(unitName)
	if !ok {
		return 0, wantf("unknown unit %q: want B, kB, MB, GB, TB (1000ⁿ bytes) or KiB, MiB, GiB, TiB (1024ⁿ bytes)", unitName)
	}
	n, _ := new(big.Int).SetString(whole+frac, 10)
	n.Mul(n, big.NewInt(unit))
	q, r := n.QuoRem(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(frac))), nil), new(big.Int))
	switch {
	case r.Sign() != 0:
		return 0, wantf("not a whole number of bytes; %s", sizeForms)
	case !q.IsInt64():
		return 0, wantf("too large: at most %d bytes (8EiB)", int64(1<<63-1))
	}
	return q.Int64(), nil
}

// lookupUnit is the size in bytes of the unit called name, in any case;
// "" is bytes.
func lookupUnit(name string) (int64, bool) {
	if name == "" || strings.EqualFold(name, "B") {
		return 1, true
	}
	for _, units := range [][]sizeUnit{decimalUnits, binaryUnits} {
		for _, u := range units {
			if strings.EqualFold(name, u.name) {
				return u.n, true
			}
		}
	}
	return 0, false
}

// formatSize writes n so that parseSize reads it back: in the largest
// unit that divides it, binary or decimal, whichever is shorter (binary
// on a tie), else in bytes; a unit wins a tie with bytes. 20 << 20 is
// "20MiB", 1024 "1KiB", 1536 "1536".
func formatSize(n int64) string {
	best := strconv.FormatInt(n, 10)
	if n <= 0 {
		return best
	}
	limit := len(best) + 1 // a unit wins a tie with plain bytes
	for _, units := range [][]sizeUnit{binaryUnits, decimalUnits} {
		for i := len(units) - 1; i >= 0; i-- {
			if u := units[i]; n%u.n == 0 {
				if s := strconv.FormatInt(n/u.n, 10) + u.name; len(s) < limit {
					best, limit = s, len(s)
				}
				break
			}
		}
	}
	return best
}

// nonEmptyValue is a string flag that may not be given as "".
type nonEmptyValue struct {
	p    *string
	want string // what to give instead
}

func nonEmptyVar(f *pflag.FlagSet, p *string, name, short, value, want, usage string) {
	*p = value
	f.VarP(&nonEmptyValue{p: p, want: want}, name, short, usage)
}

func (v *nonEmptyValue) Set(s string) error {
	if s == "" {
		return valueError(v.want)
	}
	*v.p = s
	return nil
}

func (v *nonEmptyValue) String() string { return *v.p }

func (v *nonEmptyValue) Type() string { return "string" }
