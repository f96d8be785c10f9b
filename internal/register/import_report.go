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
}
