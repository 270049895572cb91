package web

import (
	"net/url"

	"github.com/campusorg/portal/internal/portal"
)

// OrgIndexView is the organization page: the person's topmost orgs with their
// children, or the results of a search.
type OrgIndexView struct {
	Roots     []OrgWithChildren
	Searching bool
	Query     url.Values
	Results   []portal.Org
	Next      int64
	Kinds     []Option
}

// OrgWithChildren is an org and its direct children.
type OrgWithChildren struct {
	Org      portal.Org
	Children []portal.Org
}

// OrgView is one organization's page.
type OrgView struct {
	Org         portal.Org
	Breadcrumbs []portal.Org
	Children    []portal.Org
	CanManage   bool
	ShowAll     bool // inactive children shown too
}

// OrgFormView is the form to create or edit an organization.
type OrgFormView struct {
	Form   *Form
	Parent portal.Org // for a new org
	Org    portal.Org // for an edit (ID 0 when new)
	Kinds  []Option
}

// OrgMoveView is the form to move an organization under another.
type OrgMoveView struct {
	Form    *Form
	Org     portal.Org
	Parents []Option
}

func orgURL(id int64) string { return "/orgs/" + itoa(id) }
