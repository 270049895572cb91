package web

import (
	"strconv"

	"github.com/campusorg/portal/internal/portal"
	"github.com/campusorg/portal/internal/postgres"
)

// ProjDashboardView is the overview of a program's projects for managers, colleges
// and school leaders.
type ProjDashboardView struct {
	D        postgres.Dashboard
	Programs []Option
	Figures  string // DashboardFigures rendered
}

// shareTitle is a group cell's hover text: active of running projects, and the
// entries (the legend says which is which); numbers only, since a province's
// dashboard has a thousand such cells.
func shareTitle(c postgres.GroupCell) string {
	return strconv.Itoa(c.Active) + "/" + strconv.Itoa(c.Running) + " · " + strconv.Itoa(c.Entries)
}

// open returns how many projects are running or rectifying.
func (v ProjDashboardView) open() int {
	return v.D.ByStatus[portal.ProjectRunning] + v.D.ByStatus[portal.ProjectRectify]
}

// completed returns how many passed, excellent ones included.
func (v ProjDashboardView) completed() int {
	return v.D.ByStatus[portal.ProjectPassed] + v.D.ByStatus[portal.ProjectExcellent]
}

// dashboardURL returns the dashboard of a program under an organization (0: the
// default focus).
func dashboardURL(programID, orgID int64) string {
	u := "/dashboard?program=" + itoa(programID)
	if orgID != 0 {
		u += "&org=" + itoa(orgID)
	}
	return u
}

// shareClass is the heat map's class of a group's month: how many of its running
// projects updated their ledger.
func shareClass(c postgres.GroupCell) string {
	switch share := c.Share(); {
	case share < 0:
		return ""
	case share >= 80:
		return "h1"
	case share >= 50:
		return "h2"
	default:
		return "h3"
	}
}

// collegeLedgerURL returns the creation ledger export of a program (and organization).
func collegeLedgerURL(programID, collegeID int64) string {
	u := programURL(programID) + "/ledger.xlsx"
	if collegeID != 0 {
		u += "?college=" + itoa(collegeID)
	}
	return u
}
