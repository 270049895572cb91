package portal

// Action names something a person may try to do. Can decides every one of them;
// handlers and store methods ask it before they act.
type Action string

// The actions of the foundation.
const (
	// ActViewOrg: see an organization and its page.
	ActViewOrg Action = "org:view"
	// ActManageOrg: create under, edit, move, deactivate an organization.
	ActManageOrg Action = "org:manage"
	// ActManageUsers: create accounts whose home is the org, disable them, reset passwords,
	// grant and revoke roles on the org.
	ActManageUsers Action = "users:manage"
	// ActViewAudit: read audit events about the org's subtree.
	ActViewAudit Action = "audit:view"
	// ActImport: import organizations and people under the org.
	ActImport Action = "org:import"

	// ActManageProgram: on the owner organization, create and edit programs, open and
	// close them, extend deadlines, return and receive applications, export them.
	ActManageProgram Action = "program:manage"
	// ActViewProgram: on the owner organization, read a program and every application
	// to it (school leaders and administrators read along).
	ActViewProgram Action = "program:view"
	// ActFileApplication: on the applicant organization, file, edit, send and withdraw
	// its applications.
	ActFileApplication Action = "app:file"
	// ActEndorse: on the endorsing body, give or refuse its opinion.
	ActEndorse Action = "app:endorse"

	// Work plans and organization assessments.
	//
	// ActManagePlan: on the plan's organization, write plans, their sections, tasks,
	// schedule and year-round items, issue and archive them.
	ActManagePlan Action = "plan:manage"
	// ActViewPlan: on the plan's organization, read plans, their progress and the
	// supervision view (督查), and export them. A task's responsible people read the
	// plan too (CanViewPlan).
	ActViewPlan Action = "plan:view"
	// ActReportProgress: on the plan's organization, report progress on any task of
	// it (the office compiling figures for someone). A task's own responsible people
	// report on it whatever their roles (CanReportProgress).
	ActReportProgress Action = "plan:report"
	// ActManageAssessment: on the owner organization, write indicator systems, open
	// and close assessment rounds and branch gradings, enter and confirm gradings.
	ActManageAssessment Action = "assess:manage"
	// ActViewAssessment: on the owner organization, read indicator systems, rounds
	// with every sheet and the coverage dashboard, and gradings.
	ActViewAssessment Action = "assess:view"
	// ActSelfAssess: on an assessed organization, write and send its self-assessment.
	ActSelfAssess Action = "assess:self"
	// ActAssess: score an organization in a round. No role grants it: only the
	// round's assessors may, outside their own organization (CanAssessOrg).
	ActAssess Action = "assess:score"

	// Running projects (projects.go has the scope-based checks built on these).
	//
	// ActViewProjects: on a project's organization, read its projects, milestones,
	// ledger and supervision records (the program's viewers read them through
	// ActViewProgram on the owner).
	ActViewProjects Action = "project:view"
	// ActKeepLedger: on a project's organization, add and correct ledger entries,
	// report progress on milestones, record spending.
	ActKeepLedger Action = "ledger:keep"
	// ActSupervise: on a project's organization, verify or return ledger entries and
	// record daily assessments and phase material reviews (督导组).
	ActSupervise Action = "ledger:supervise"
)

// Can reports whether actor may take action on the organization at orgPath.
// It is the one permission policy of the portal: list queries mirror it in SQL
// through Actor.RoleScope with the same roles.
func Can(actor *Actor, action Action, orgPath string) bool {
	if !actor.SignedIn() {
		return false
	}
	roles := RolesFor(action)
	return actor.HasOn(orgPath, roles...)
}

// RolesFor returns the roles whose grants allow action on the covered subtree.
func RolesFor(action Action) []Role {
	switch action {
	case ActViewOrg:
		return Roles
	case ActManageOrg, ActManageUsers, ActImport, ActViewAudit:
		return []Role{RoleAdmin}
	case ActManageProgram:
		return []Role{RoleManager}
	case ActViewProgram:
		return []Role{RoleManager, RoleViewer, RoleAdmin}
	case ActFileApplication:
		return []Role{RoleSecretary}
	case ActEndorse:
		return []Role{RoleEndorser}
	case ActManagePlan, ActReportProgress, ActManageAssessment:
		return []Role{RoleManager, RoleAdmin}
	case ActViewPlan, ActViewAssessment:
		return []Role{RoleManager, RoleAdmin, RoleViewer, RoleSupervisor}
	case ActSelfAssess:
		return []Role{RoleSecretary, RoleManager}
	case ActAssess:
		return nil
	case ActViewProjects:
		return []Role{RoleSecretary, RoleCounselor, RoleSupervisor, RoleViewer, RoleAdmin}
	case ActKeepLedger:
		return []Role{RoleSecretary, RoleCounselor}
	case ActSupervise:
		return []Role{RoleSupervisor}
	}
	return nil
}

// Person-based checks. Some actions go with a person named on a record rather than
// with a role: a task's responsible people (责任人), a round's assessors. These
// functions are the policy for them; each also lets through whoever Can allows.

// CanViewPlan reports whether the actor may read a plan of the organization at
// orgPath: whoever may view plans there, and the plan's responsible people
// (responsible: the actor is responsible for one of its tasks).
func CanViewPlan(actor *Actor, orgPath string, responsible bool) bool {
	return Can(actor, ActViewPlan, orgPath) || actor.SignedIn() && responsible
}

// CanReportProgress reports whether the actor may report progress on a task of a
// plan of the organization at orgPath with the responsible people given: one of
// them, or whoever may report on any task there (ActReportProgress).
func CanReportProgress(actor *Actor, orgPath string, responsible []int64) bool {
	if Can(actor, ActReportProgress, orgPath) {
		return true
	}
	if !actor.SignedIn() {
		return false
	}
	for _, id := range responsible {
		if id == actor.UserID {
			return true
		}
	}
	return false
}

// CanAssessOrg reports whether the actor may score the organization at orgPath in a
// round with assessors: one of them, and not a member of that organization (no one
// scores their own organization: their home lies outside its subtree).
func CanAssessOrg(actor *Actor, assessors []int64, orgPath string) bool {
	return IsAssessor(actor, assessors) && !PathCovers(orgPath, actor.HomePath)
}

// IsAssessor reports whether the actor is one of assessors.
func IsAssessor(actor *Actor, assessors []int64) bool {
	if !actor.SignedIn() {
		return false
	}
	for _, id := range assessors {
		if id == actor.UserID {
			return true
		}
	}
	return false
}

// CanViewRound reports whether the actor may see an assessment round: whoever may
// view assessments on its owner, its assessors, and whoever may self-assess one of
// its organizations (orgPaths) — those see their own organization's sheet.
func CanViewRound(actor *Actor, ownerPath string, assessors []int64, orgPaths []string) bool {
	if Can(actor, ActViewAssessment, ownerPath) || IsAssessor(actor, assessors) {
		return true
	}
	for _, p := range orgPaths {
		if Can(actor, ActSelfAssess, p) {
			return true
		}
	}
	return false
}

// CanAny reports whether the actor may take action somewhere; navigation uses it.
func CanAny(actor *Actor, action Action) bool {
	if !actor.SignedIn() {
		return false
	}
	for _, r := range RolesFor(action) {
		if actor.Has(r) {
			return true
		}
	}
	return false
}

// AppScope is where an application sits, for the policy: the applicant, the
// program's owner, and the endorsing bodies of its chain.
type AppScope struct {
	OrgPath       string
	OwnerPath     string
	EndorserPaths []string
}

// CanViewApplication reports whether the actor may read an application: its own
// organization's secretaries (and viewers of that subtree), the endorsing bodies of
// its chain, and whoever may view the program.
func CanViewApplication(actor *Actor, app AppScope) bool {
	if Can(actor, ActViewProgram, app.OwnerPath) || actor.HasOn(app.OrgPath, RoleSecretary, RoleViewer, RoleEndorser) {
		return true
	}
	for _, p := range app.EndorserPaths {
		if Can(actor, ActEndorse, p) {
			return true
		}
	}
	return false
}

// CanSeeProgramAsApplicant reports whether one of the actor's secretary grants lies
// within the program's applicant scope, so that the program concerns her.
func CanSeeProgramAsApplicant(actor *Actor, scopePath string) bool {
	if actor == nil {
		return false
	}
	for _, g := range actor.Grants {
		if g.Role == RoleSecretary && PathCovers(scopePath, g.OrgPath) {
			return true
		}
	}
	return false
}
