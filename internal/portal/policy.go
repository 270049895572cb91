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
