package web

import (
	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// ProjDashboardView is the overview of a program's projects for managers, colleges
// and school leaders.
type ProjDashboardView struct {
	D        postgres.Dashboard
	Programs []Option
	Colleges []Option
}

// open returns how many projects are running or rectifying.
func (v ProjDashboardView) open() int {
	return v.D.ByStatus[portal.ProjectRunning] + v.D.ByStatus[portal.ProjectRectify]
}

// completed returns how many passed, excellent ones included.
func (v ProjDashboardView) completed() int {
	return v.D.ByStatus[portal.ProjectPassed] + v.D.ByStatus[portal.ProjectExcellent]
}

// escalated counts the overdue milestones gone up to the manager.
func (v ProjDashboardView) escalated() int {
	n := 0
	for _, o := range v.D.Overdue {
		if o.Escalate {
			n++
		}
	}
	return n
}

// dashboardURL returns the dashboard of a program (and college).
func dashboardURL(programID, collegeID int64) string {
	u := "/dashboard?program=" + itoa(programID)
	if collegeID != 0 {
		u += "&college=" + itoa(collegeID)
	}
	return u
}

// collegeLedgerURL returns the creation ledger export of a program (and college).
func collegeLedgerURL(programID, collegeID int64) string {
	u := programURL(programID) + "/ledger.xlsx"
	if collegeID != 0 {
		u += "?college=" + itoa(collegeID)
	}
	return u
}

// maxOverdueRows bounds the overdue list on the dashboard (the longest overdue first).
const maxOverdueRows = 30

// firstOverdue returns the overdue milestones the dashboard lists.
func firstOverdue(list []postgres.OverdueRow) []postgres.OverdueRow {
	if len(list) > maxOverdueRows {
		return list[:maxOverdueRows]
	}
	return list
}
