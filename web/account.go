package web

import "github.com/campusorg/portal/internal/portal"

// AccountView is a person's own account page.
type AccountView struct {
	User        portal.User // with its grants
	EmailForm   *Form       // the address and the account's version
	MailEnabled bool        // whether the portal sends mail at all
}
