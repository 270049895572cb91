package portal

// Role is what a grant lets a person do on an organization's subtree.
type Role string

// The roles of DOMAIN.md.
const (
	RoleAdmin      Role = "admin"      // 管理员: organizations, accounts, grants, audit log
	RoleManager    Role = "manager"    // 项目管理员: programs, reviews, decisions
	RoleSecretary  Role = "secretary"  // 支部书记: files applications for the organization
	RoleEndorser   Role = "endorser"   // 签署意见: the organization's League or Party body
	RoleCounselor  Role = "counselor"  // 辅导员: classes and their ledgers
	RoleSupervisor Role = "supervisor" // 督导组: verifies ledgers, assesses daily performance
	RoleReviewer   Role = "reviewer"   // 评审专家: scores submissions
	RoleViewer     Role = "viewer"     // 校领导: reads everything in the subtree
)

// Roles lists every role in display order.
var Roles = []Role{RoleAdmin, RoleManager, RoleSecretary, RoleEndorser, RoleCounselor, RoleSupervisor, RoleReviewer, RoleViewer}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Grant is one role held on one organization; it covers the organization's subtree.
type Grant struct {
	ID      int64
	UserID  int64
	Role    Role
	OrgID   int64
	OrgPath string
	OrgName string
	OrgKind OrgKind
}

// Actor is the person making a request, with every grant they hold on active organizations.
// The zero Actor is an anonymous visitor.
type Actor struct {
	UserID   int64
	Username string
	Name     string
	Lang     string
	HomePath string // path of the person's home organization
	Remote   string // client address, for the audit log
	Grants   []Grant
	// MustChangePassword is set when the person has to choose a new password
	// before going on (read with the actor, so that no request asks twice).
	MustChangePassword bool
}

// SignedIn reports whether the actor is a signed-in person.
func (a *Actor) SignedIn() bool { return a != nil && a.UserID != 0 }

// Has reports whether the actor holds role anywhere.
func (a *Actor) Has(role Role) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if g.Role == role {
			return true
		}
	}
	return false
}

// HasOn reports whether one of the actor's grants of a role in roles covers the org at path.
func (a *Actor) HasOn(path string, roles ...Role) bool {
	if a == nil {
		return false
	}
	for _, g := range a.Grants {
		if PathCovers(g.OrgPath, path) && containsRole(roles, g.Role) {
			return true
		}
	}
	return false
}

// RoleScope returns the org paths that the actor's grants of the given roles cover,
// without paths already covered by another in the list. Store list queries take it to
// scope their SQL; no roles means every role.
func (a *Actor) RoleScope(roles ...Role) []string {
	if a == nil {
		return nil
	}
	var paths []string
	for _, g := range a.Grants {
		if len(roles) == 0 || containsRole(roles, g.Role) {
			paths = append(paths, g.OrgPath)
		}
	}
	return minimalPaths(paths)
}

// Roles returns the distinct roles the actor holds, in display order.
func (a *Actor) Roles() []Role {
	var out []Role
	for _, r := range Roles {
		if a.Has(r) {
			out = append(out, r)
		}
	}
	return out
}

func containsRole(roles []Role, r Role) bool {
	for _, x := range roles {
		if x == r {
			return true
		}
	}
	return false
}

// minimalPaths drops every path that another path in the list covers, and duplicates.
func minimalPaths(paths []string) []string {
	var out []string
	for i, p := range paths {
		covered := false
		for j, q := range paths {
			if i != j && PathCovers(q, p) && (q != p || j < i) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, p)
		}
	}
	return out
}
