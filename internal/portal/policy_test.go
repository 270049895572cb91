package portal

import (
	"reflect"
	"testing"
)

func TestCan(t *testing.T) {
	admin := &Actor{UserID: 1, Grants: []Grant{{Role: RoleAdmin, OrgPath: "/1/"}}}
	collegeAdmin := &Actor{UserID: 2, Grants: []Grant{{Role: RoleAdmin, OrgPath: "/1/2/"}}}
	secretary := &Actor{UserID: 3, Grants: []Grant{{Role: RoleSecretary, OrgPath: "/1/2/3/"}}}
	anon := &Actor{}
	tests := []struct {
		name   string
		actor  *Actor
		action Action
		path   string
		want   bool
	}{
		{"school admin manages a branch", admin, ActManageOrg, "/1/2/3/4/", true},
		{"college admin manages own college", collegeAdmin, ActManageOrg, "/1/2/", true},
		{"college admin not the school", collegeAdmin, ActManageOrg, "/1/", false},
		{"college admin not another college", collegeAdmin, ActManageOrg, "/1/20/", false},
		{"secretary views own branch", secretary, ActViewOrg, "/1/2/3/", true},
		{"secretary views a class under it", secretary, ActViewOrg, "/1/2/3/9/", true},
		{"secretary not the college", secretary, ActViewOrg, "/1/2/", false},
		{"secretary cannot manage", secretary, ActManageOrg, "/1/2/3/", false},
		{"secretary cannot read audit", secretary, ActViewAudit, "/1/2/3/", false},
		{"anonymous sees nothing", anon, ActViewOrg, "/1/", false},
		{"nil actor sees nothing", nil, ActViewOrg, "/1/", false},
		{"admin manages users", admin, ActManageUsers, "/1/2/", true},
		{"unknown action", admin, Action("nope"), "/1/", false},
	}
	for _, tt := range tests {
		if got := Can(tt.actor, tt.action, tt.path); got != tt.want {
			t.Errorf("%s: Can = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRoleScope(t *testing.T) {
	a := &Actor{UserID: 1, Grants: []Grant{
		{Role: RoleSecretary, OrgPath: "/1/2/3/"},
		{Role: RoleAdmin, OrgPath: "/1/2/"},
		{Role: RoleReviewer, OrgPath: "/1/9/"},
		{Role: RoleViewer, OrgPath: "/1/9/"},
	}}
	if got, want := a.RoleScope(), []string{"/1/2/", "/1/9/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("RoleScope() = %v, want %v", got, want)
	}
	if got, want := a.RoleScope(RoleSecretary), []string{"/1/2/3/"}; !reflect.DeepEqual(got, want) {
		t.Errorf("RoleScope(secretary) = %v, want %v", got, want)
	}
	if got := a.RoleScope(RoleCounselor); len(got) != 0 {
		t.Errorf("RoleScope(counselor) = %v, want none", got)
	}
	if got, want := a.Roles(), []Role{RoleAdmin, RoleSecretary, RoleReviewer, RoleViewer}; !reflect.DeepEqual(got, want) {
		t.Errorf("Roles() = %v, want %v", got, want)
	}
}

func TestCanAny(t *testing.T) {
	sec := &Actor{UserID: 3, Grants: []Grant{{Role: RoleSecretary, OrgPath: "/1/2/3/"}}}
	if CanAny(sec, ActManageUsers) || !CanAny(sec, ActViewOrg) || CanAny(&Actor{}, ActViewOrg) {
		t.Error("CanAny disagrees with the roles held")
	}
}
