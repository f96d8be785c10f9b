package register

// ImportReport is what an import keeps as its result: the dry run's problems and counts, or what
// the import did, or why it failed. The page that shows an import and the job that runs it share
// it, so its JSON is the same on both sides.
type ImportReport struct {
	Rows      int       `json:"rows"`
	New       int       `json:"new"`
	Update    int       `json:"update"`
	Problems  []Problem `json:"problems,omitempty"`
	Created   int       `json:"created"`
	Updated   int       `json:"updated"`
	Unchanged int       `json:"unchanged"`
	Error     string    `json:"error,omitempty"`
	// The dry run's plan: the systems an import will create, update (with the fields it changes)
	// and leave unchanged, at most PlanListMax of each.
	Same      int          `json:"same"`
	NewNames  []string     `json:"new_names,omitempty"`
	Changes   []PlanChange `json:"changes,omitempty"`
	SameNames []string     `json:"same_names,omitempty"`
	// Contacts are the owners who are not Værn users and whom the import creates as contacts.
	Contacts []string `json:"contacts,omitempty"`
	Checked  bool     `json:"checked"` // the counts come from a plan (not from an older dry run)
}

// PlanChange is a system an import will update, with the fields that change (Labels: their names
// in the reader's language, filled in by the page).
type PlanChange struct {
	Row    int      `json:"row"`
	Name   string   `json:"name"`
	Fields []string `json:"fields"`
	Labels []string `json:"-"`
}

// PlanListMax bounds the names the dry-run page lists per kind; the counts are always whole.
const PlanListMax = 500
