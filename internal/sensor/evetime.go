// EVE timestamps: a fast path for the forms Suricata writes, time.Parse for the rest.

package sensor

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// ParseTime reads an EVE timestamp: RFC 3339 with or without the colon in the offset
// ("2011-08-12T14:52:57.716360+0200"), or without an offset (taken as UTC).
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, errors.New("timestamp is missing")
	}
	if t, ok := fastTime(s); ok {
		return t, nil
	}
	for _, layout := range timeLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			if t.Year() < 1990 || t.Year() > 2200 {
				break
			}
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("timestamp: %s is not a time such as 2026-12-02T10:15:00.123456+0100", strconv.Quote(trunc(s, 40)))
}

// fastTime reads the timestamps EVE files have without time.Parse: "2006-01-02T15:04:05", an
// optional fraction of 1-9 digits, then nothing (UTC), "Z", "+0100" or "+01:00". It accepts a
// subset of what the layouts of ParseTime accept, with the same result; anything else (and any
// value out of range) is left to time.Parse, which has the final word and the error message.
func fastTime(s string) (time.Time, bool) {
	if len(s) < 19 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	y := digits(s[0:4])
	mo, d, h, mi, se := digits(s[5:7]), digits(s[8:10]), digits(s[11:13]), digits(s[14:16]), digits(s[17:19])
	if y < 1990 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > daysIn(mo, y) || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 59 {
		return time.Time{}, false
	}
	i, ns := 19, 0
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		n := j - i - 1
		if n < 1 || n > 9 {
			return time.Time{}, false
		}
		ns = digits(s[i+1 : j])
		for ; n < 9; n++ {
			ns *= 10
		}
		i = j
	}
	off := 0
	switch rest := s[i:]; {
	case rest == "" || rest == "Z":
	case len(rest) == 5 || len(rest) == 6 && rest[3] == ':':
		if rest[0] != '+' && rest[0] != '-' {
			return time.Time{}, false
		}
		oh, om := digits(rest[1:3]), digits(rest[len(rest)-2:])
		if oh < 0 || oh > 23 || om < 0 || om > 59 {
			return time.Time{}, false
		}
		off = oh*3600 + om*60
		if rest[0] == '-' {
			off = -off
		}
	default:
		return time.Time{}, false
	}
	sec := daysSinceEpoch(y, mo, d)*86400 + int64(h*3600+mi*60+se-off)
	return time.Unix(sec, int64(ns)).UTC(), true
}

// digits reads a run of decimal digits (at most 9), or -1 if there is anything else.
func digits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return -1
		}
		n = n*10 + int(c-'0')
	}
	return n
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysSinceEpoch counts the days from 1970-01-01 to a date of the proleptic Gregorian calendar
// (years from 1 on), in the era arithmetic of the civil-from-days algorithms.
func daysSinceEpoch(y, m, d int) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	yoe := y - era*400
	mp := (m + 9) % 12 // March is 0
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return int64(era*146097+doe) - 719468
}
