package web

import "github.com/campusorg/portal/internal/portal"

// Workspace is one card of the home page: what waits for a person in one role.
type Workspace struct {
	Role  portal.Role
	Orgs  []string // names of the orgs the role is held on
	Count int      // the number shown big, -1 for none
	Label string   // catalogue key describing Count
	Links []Link
}

// Link is a labelled link; Label is a catalogue key.
type Link struct {
	Label, Href string
}

// HomeView is the home page: one workspace per role held.
type HomeView struct {
	Workspaces []Workspace
	Unread     int // unread messages
}
