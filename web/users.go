package web

import (
	"net/url"

	"github.com/campusorg/portal/internal/portal"
)

// UserIndexView lists accounts an administrator manages.
type UserIndexView struct {
	Query url.Values
	Users []portal.User
	Next  int64
}

// UserView is one account's page: details, roles, status, password reset.
type UserView struct {
	User      portal.User
	GrantForm *Form
	ResetForm *Form
	EmailForm *Form // the address and the account's version
	Orgs      []Option
	IsSelf    bool
}

// UserNewView is the form to create an account.
type UserNewView struct {
	Form *Form
	Orgs []Option
}

func userURL(id int64) string { return "/users/" + itoa(id) }
