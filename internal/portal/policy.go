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
	}
	return nil
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
