// Package incident holds the incident module's rules, pure and table-tested: the deadline engine
// (regimes as data: NIS2, GDPR art. 33 and 34, Norway's digitalsikkerhetslov, the centre's own
// SLAs; lengths are configuration), the clocks in the member's time zone, the observable parser,
// the NIS Cooperation Group cause taxonomy and the RSIT / eCSIRT.net classification, the
// pre-filled report texts per regime and step, the figures of time to acknowledge, contain and
// meet each deadline, and the store's write guards (Rules).
package incident
