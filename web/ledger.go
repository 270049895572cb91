package web

import (
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// LedgerFormView is the form to add or correct a ledger entry.
type LedgerFormView struct {
	F    postgres.EntryForm
	Form *Form
	// EntryID is the entry being corrected (0: a new one); Verified warns that the
	// correction becomes a new revision.
	EntryID  int64
	Verified bool
}

// LedgerEntryView is a ledger entry's page with the verdict form.
type LedgerEntryView struct {
	D    postgres.EntryDetail
	Form *Form
}

// WorkbenchView is the workbench of the people keeping and supervising projects.
type WorkbenchView struct {
	W postgres.Workbench
	// IsCounselor shows the classes table; IsSupervisor the queue.
	IsCounselor, IsSupervisor bool
}

// workItem returns the workbench item of a project id.
func (v WorkbenchView) workItem(id int64) (postgres.WorkItem, bool) {
	for _, it := range v.W.Keeping {
		if it.Project.ID == id {
			return it, true
		}
	}
	return postgres.WorkItem{}, false
}

// otherProjects returns the projects kept outside the counselor's classes table.
func (v WorkbenchView) otherProjects() []postgres.WorkItem {
	if !v.IsCounselor {
		return v.W.Keeping
	}
	shown := map[int64]bool{}
	for _, c := range v.W.Classes {
		for _, id := range c.Projects {
			shown[id] = true
		}
	}
	var out []postgres.WorkItem
	for _, it := range v.W.Keeping {
		if !shown[it.Project.ID] {
			out = append(out, it)
		}
	}
	return out
}

// newEntryURL is the quick ledger form of a project.
func newEntryURL(projectID int64) string { return projectURL(projectID) + "/ledger/new" }

// entryMaxDay is the latest day an entry may carry: today, or the cycle's last day.
func entryMaxDay(f postgres.EntryForm) string {
	if end := portal.DateOf(f.Project.Ends); end.Before(f.Today) {
		return end.Format("2006-01-02")
	}
	return f.Today.Format("2006-01-02")
}
