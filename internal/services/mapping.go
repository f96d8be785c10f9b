package services

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/vaern/vaern"
	"github.com/vaern/vaern/internal/framework"
)

// MappingValue checks and normalises an answer to a mapping question: a text of at most
// framework.MaxTextAnswer characters, the id of one of the question's choices, or a decimal
// number. An empty value clears the answer.
func MappingValue(q *framework.Question, v string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	switch q.Answer {
	case framework.AnswerText:
		if utf8.RuneCountInString(v) > framework.MaxTextAnswer {
			return v, vaern.Invalid(q.ID, "is too long")
		}
		return v, nil
	case framework.AnswerChoice:
		if _, ok := q.Choice(v); !ok {
			return v, vaern.Invalid(q.ID, "is not one of the choices")
		}
		return v, nil
	case framework.AnswerNumber:
		f, err := strconv.ParseFloat(strings.ReplaceAll(v, ",", "."), 64)
		if err != nil || f != f || f > 1e15 || f < -1e15 {
			return v, vaern.Invalid(q.ID, "must be a number")
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	}
	return v, vaern.Invalid(q.ID, "is not a mapping question")
}

// MappingText is an answer as a person reads it: a choice's label in lang, else the value.
func MappingText(q *framework.Question, v, lang string) string {
	if q != nil && q.Answer == framework.AnswerChoice {
		if c, ok := q.Choice(v); ok {
			return c.Label.Get(lang)
		}
	}
	return v
}
