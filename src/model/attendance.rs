//! Attendances by people and by delegations: reading one role or a list of
//! roles, and the checks that tell a named person's attendance (a capacity)
//! from a state's or an organization's delegation (a head office, a head count).

use serde::Deserialize;

use super::kinds::{AttendanceRole, NodeKind, RelKind};
use super::record::{FieldError, Relation};

/// Reads `role: "chair"` (the older, single form) as well as `roles: ["host", "chair"]`.
pub(super) fn one_or_many<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<AttendanceRole>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(AttendanceRole),
        Many(Vec<AttendanceRole>),
    }
    match OneOrMany::deserialize(d) {
        Ok(OneOrMany::One(r)) => Ok(vec![r]),
        Ok(OneOrMany::Many(v)) => Ok(v),
        Err(_) => Err(serde::de::Error::custom(
            "expected a role (\"chair\") or a list of roles ([\"host\", \"chair\"]) among chair, head_of_delegation, delegate, speaker, guest, observer, host, dialogue_partner, invited, secretariat",
        )),
    }
}

impl Relation {
    /// A named person's attendance has a capacity, not a head; a delegation
    /// (a state or an organization) has a head office, not a capacity. Roles
    /// are listed once each.
    pub(super) fn validate_delegation(&self, errs: &mut Vec<FieldError>) {
        if self.kind != RelKind::Attended {
            return;
        }
        let person = self.from.kind() == NodeKind::Person;
        if person && self.head.is_some() {
            errs.push(FieldError::new(
                "head",
                "a person's attendance has no `head`: give the office as `capacity`",
            ));
        }
        if !person && self.capacity.is_some() {
            errs.push(FieldError::new(
                "capacity",
                format!(
                    "a delegation of a {} has no `capacity`: give the office that led it as `head`",
                    self.from.kind().prefix()
                ),
            ));
        }
        if self.head_count == Some(0) {
            errs.push(FieldError::new("head_count", "must be 1 or more"));
        }
        for (i, r) in self.roles.iter().enumerate() {
            if self.roles[..i].contains(r) {
                errs.push(FieldError::new(
                    format!("roles[{i}]"),
                    "this role is listed twice",
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{MeetingStatus, Node, NodeId, RelId};

    fn id(s: &str) -> NodeId {
        NodeId::parse(s).unwrap()
    }

    fn rel(kind: RelKind, from: &str, to: &str) -> Relation {
        Relation::new(RelId::parse("rel:x").unwrap(), kind, id(from), id(to))
    }

    #[test]
    fn a_single_role_and_a_list_of_roles_both_read_and_write_as_a_list() {
        let one: Relation = serde_json::from_str(
            r#"{"id":"rel:x","kind":"attended","from":"person:a","to":"meeting:m","role":"chair"}"#,
        )
        .unwrap();
        assert_eq!(one.roles, [AttendanceRole::Chair]);
        let many: Relation = serde_json::from_str(
            r#"{"id":"rel:x","kind":"attended","from":"person:a","to":"meeting:m","roles":["host","chair"]}"#,
        )
        .unwrap();
        assert_eq!(many.roles, [AttendanceRole::Host, AttendanceRole::Chair]);
        let json = serde_json::to_value(&many).unwrap();
        assert_eq!(json["roles"], serde_json::json!(["host", "chair"]));
        assert!(json.get("role").is_none());
    }

    #[test]
    fn a_delegation_names_its_head_office_not_a_capacity() {
        let mut r = rel(RelKind::Attended, "state:kz", "meeting:m");
        r.head = Some(id("office:pg-kz"));
        r.head_count = Some(5);
        assert!(r.validate().is_empty());
        r.capacity = Some(id("office:pg-kz"));
        assert_eq!(r.validate()[0].field, "capacity");
        let mut p = rel(RelKind::Attended, "person:a", "meeting:m");
        p.head = Some(id("office:pg-kz"));
        assert_eq!(p.validate()[0].field, "head");
    }

    #[test]
    fn a_state_may_chair_a_meeting() {
        assert!(rel(RelKind::Chaired, "state:pk", "meeting:m")
            .validate()
            .is_empty());
    }

    #[test]
    fn only_a_meeting_has_a_status_and_none_recorded_means_held() {
        let mut m = Node::new(id("meeting:m"), "M");
        assert!(m.was_held());
        m.status = Some(MeetingStatus::Planned);
        assert!(m.validate().is_empty());
        assert!(!m.was_held());
        let mut p = Node::new(id("person:a"), "A");
        p.status = Some(MeetingStatus::Held);
        assert_eq!(p.validate()[0].field, "status");
    }
}
