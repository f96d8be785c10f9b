package access

import (
	"strconv"
	"strings"
)

// Table names the columns of a table whose rows are objects under these rules, as the query refers
// to them (with the table's alias). Owner is required; a column left empty means the table's
// objects do not have that property, and the caller leaves it unset in Object too.
type Table struct {
	Owner   string // the owning organisation's id
	Creator string // the creating person's id
	TLP     string // the label, '' for none
	// Audience is the prefix of the audience columns: PREFIX_kind, PREFIX_orgs and PREFIX_people
	// (as IDList writes them), PREFIX_country, PREFIX_region and PREFIX_size ('' when not set).
	// Required with TLP.
	Audience string
	Reported string // boolean: the owner reported the object to the centre
	// Shared is an SQL condition without parameters that holds when the owner shares the object's
	// details with the centre, e.g. an EXISTS over the owner's settings.
	Shared string
}

// Predicate is an SQL condition with ? placeholders and the values bound to them, in order. The
// text depends only on the table and on the kind of principal (nobody, a member, the centre, with
// or without a person), never on ids, so the store can prepare it once.
type Predicate struct {
	SQL  string
	Args []any
}

// And joins a further condition to the predicate.
func (p Predicate) And(cond string, args ...any) Predicate {
	return Predicate{SQL: p.SQL + " AND " + cond, Args: append(append([]any{}, p.Args...), args...)}
}

// Where is May as an SQL condition over table t: the rows p may see.
func Where(p Principal, t Table) Predicate {
	// Text and arguments are written strictly left to right, so that each ? meets its value.
	var b sqlText
	if !p.SignedIn {
		if t.TLP == "" {
			return Predicate{SQL: "(1 = 0)"}
		}
		b.w("(", t.TLP, " = ").arg(string(Clear)).w(")")
		return b.predicate()
	}
	b.w("(")
	if t.TLP != "" && p.User != 0 {
		// RED: the named people, and the person who wrote it.
		b.w("(", t.TLP, " = ").arg(string(Red)).w(" AND (", t.Audience, "_people LIKE ").arg(idPattern(p.User))
		if t.Creator != "" {
			b.w(" OR ", t.Creator, " = ").arg(p.User)
		}
		b.w(")) OR ")
	}
	if t.TLP != "" {
		// The empty label is '' (never NULL), so <> keeps unlabelled rows.
		b.w("(", t.TLP, " <> ").arg(string(Red)).w(" AND ")
	}
	b.w("(", t.Owner, " = ").arg(p.Org)
	if t.Creator != "" && p.User != 0 {
		b.w(" OR ", t.Creator, " = ").arg(p.User)
	}
	if p.Centre && t.Reported != "" {
		b.w(" OR ", t.Reported, " = ").arg(true)
	}
	if p.Centre && t.Shared != "" {
		b.w(" OR (", t.Shared, ")")
	}
	if t.TLP != "" {
		b.w(" OR ", t.TLP, " IN (").arg(string(Clear)).w(", ").arg(string(Green)).w(")")
		if p.Centre {
			b.w(" OR ", t.TLP, " = ").arg(string(Amber))
		}
		b.w(" OR (", t.TLP, " IN (").arg(string(Amber)).w(", ").arg(string(AmberStrict)).w(") AND ")
		recipientSQL(&b, p, t.Audience)
		b.w(")")
	}
	b.w(")")
	if t.TLP != "" {
		b.w(")")
	}
	b.w(")")
	return b.predicate()
}

// recipientSQL writes recipient as SQL over the audience columns with prefix a.
func recipientSQL(b *sqlText, p Principal, a string) {
	kind := a + "_kind = "
	b.w("(")
	if !p.Centre {
		b.w(kind).arg(string(AllMembers)).w(" OR ")
	}
	b.w("(", kind).arg(string(NamedMembers)).w(" AND ", a, "_orgs LIKE ").arg(idPattern(p.Org)).w(")")
	if !p.Centre {
		b.w(" OR (", kind).arg(string(Group))
		for _, c := range []struct{ col, v string }{{"_country", p.Country}, {"_region", p.Region}, {"_size", p.SizeClass}} {
			b.w(" AND (", a, c.col, " = '' OR ", a, c.col, " = ").arg(c.v).w(")")
		}
		b.w(")")
	} else {
		b.w(" OR ", kind).arg(string(CentreOnly))
	}
	if p.User != 0 {
		b.w(" OR (", kind).arg(string(NamedPeople)).w(" AND ", a, "_people LIKE ").arg(idPattern(p.User)).w(")")
	}
	b.w(")")
}

// sqlText builds a condition and its arguments in step.
type sqlText struct {
	sb   strings.Builder
	args []any
}

func (b *sqlText) w(parts ...string) *sqlText {
	for _, s := range parts {
		b.sb.WriteString(s)
	}
	return b
}

func (b *sqlText) arg(v any) *sqlText {
	b.sb.WriteByte('?')
	b.args = append(b.args, v)
	return b
}

func (b *sqlText) predicate() Predicate { return Predicate{SQL: b.sb.String(), Args: b.args} }

func idPattern(id int64) string { return "%," + strconv.FormatInt(id, 10) + ",%" }
