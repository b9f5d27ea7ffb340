// Package visits is the site-visit room (keşif, guide 40-site-visits.md): a visit booked from a
// conversation at a slot of the assignees' free time, confirmed to the customer only after its
// date is approved in the approval queue, reminded the day before (customer) and an hour before
// (assignee), shown on the team's calendar and in each member's iCal feed, and closed with an
// outcome (measured area, surface, access, photos) that fills the lead and starts a quote draft.
// It owns site_visits, site_visit_assignees, site_visit_photos and visit_feeds.
package visits
