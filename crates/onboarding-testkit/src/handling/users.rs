//! The user operation: Bitpanda's and Wealthyhood's creates (unique `external_id` / e-mail),
//! BTC Direct's update of the user behind the user context.

use serde_json::{Map, Value, json};
use tokio::time::Instant;

use super::body::not_json;
use super::{Problem, Reply, State, json_reply, now_rfc3339};
use crate::auth::{check_bearer, check_btcdirect};
use crate::faults::Call;
use crate::journal::StoredUser;
use crate::provider::{Outcome, Provider};

impl State {
    pub(super) fn user_operation(
        &mut self,
        call: &Call<'_>,
        body_check: Result<(), Problem>,
        now: Instant,
    ) -> (Outcome, Reply) {
        let provider = self.provider;
        let identifier = match provider {
            Provider::BtcDirect => {
                let by_key = &self.by_key;
                match check_btcdirect(call.headers, &self.tokens, now, |id| {
                    by_key.contains_key(id)
                }) {
                    Ok(identifier) => Some(identifier),
                    Err(problem) => return (Outcome::Unauthorized, self.problem_reply(&problem)),
                }
            }
            _ => {
                if let Err(problem) = check_bearer(provider, call.headers, &self.tokens, now) {
                    return (Outcome::Unauthorized, self.problem_reply(&problem));
                }
                None
            }
        };
        let body = match (body_check, call.json) {
            (Ok(()), Some(body)) => body,
            (Err(problem), _) => return (Outcome::Invalid, self.problem_reply(&problem)),
            (Ok(()), None) => return (Outcome::Invalid, self.problem_reply(&not_json(provider))),
        };
        // Only BTC Direct names a user in the headers.
        match identifier {
            Some(identifier) => self.btcdirect_update(&identifier, body),
            None if provider == Provider::Bitpanda => self.bitpanda_create(body),
            None => self.wealthyhood_create(body),
        }
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id
    }

    fn bitpanda_create(&mut self, body: &Value) -> (Outcome, Reply) {
        let external_id = body.get("external_id").and_then(Value::as_str);
        let key = external_id.map(|id| format!("external_id:{}", id.to_lowercase()));
        if let Some(key) = &key
            && self.by_key.contains_key(key)
        {
            let problem = Problem::new(
                409,
                "duplicate_external_id",
                "A user with this external_id already exists for this account.",
            );
            return (Outcome::Duplicate, self.problem_reply(&problem));
        }
        let n = self.new_id();
        let id = format!("0b17a7d0-0000-4000-8000-{n:012x}");
        let user = StoredUser {
            provider: Provider::Bitpanda,
            id: id.clone(),
            external_id: external_id.map(str::to_owned),
            email: body.get("email").and_then(Value::as_str).map(str::to_owned),
            body: self.kept(body),
            updates: 0,
        };
        match key {
            Some(key) => self.store(key, user),
            None => self.users.push(user),
        }
        (
            Outcome::Created,
            json_reply(201, &json!({"data": {"id": id}})),
        )
    }

    fn wealthyhood_create(&mut self, body: &Value) -> (Outcome, Reply) {
        let email = body
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let key = format!("email:{}", email.to_lowercase());
        if self.by_key.contains_key(&key) {
            let problem = Problem::new(409, "CONFLICT", "User already exists");
            return (Outcome::Duplicate, self.problem_reply(&problem));
        }
        let n = self.new_id();
        let id = format!("64f0c51e{n:016x}");
        let stamp = now_rfc3339();
        let mut created = Map::new();
        created.insert("id".into(), id.clone().into());
        for field in [
            "email",
            "firstName",
            "lastName",
            "dateOfBirth",
            "residencyCountry",
            "language",
            "address",
            "taxResidency",
            "employmentInfo",
        ] {
            if let Some(value) = body.get(field) {
                created.insert(field.into(), value.clone());
            }
        }
        if let Some(nationality) = body.get("nationality") {
            created.insert("nationalities".into(), json!([nationality]));
        }
        created.insert("portfolios".into(), json!([]));
        created.insert("createdAt".into(), stamp.clone().into());
        created.insert("updatedAt".into(), stamp.into());
        let created = Value::Object(created);
        self.store(
            key,
            StoredUser {
                provider: Provider::Wealthyhood,
                id,
                external_id: None,
                email: Some(email.to_owned()),
                body: self.kept(body),
                updates: 0,
            },
        );
        (Outcome::Created, json_reply(201, &created))
    }

    fn btcdirect_update(&mut self, identifier: &str, body: &Value) -> (Outcome, Reply) {
        let Some(&index) = self.by_key.get(identifier) else {
            return (
                Outcome::Unauthorized,
                self.problem_reply(&Problem::btcdirect(["ER705"])),
            );
        };
        let user = &mut self.users[index];
        if let (Value::Object(stored), Value::Object(update)) = (&mut user.body, body) {
            for (key, value) in update {
                stored.insert(key.clone(), value.clone());
            }
            stored
                .entry("activationDate")
                .or_insert_with(|| now_rfc3339().into());
        }
        user.updates += 1;
        user.email = body
            .get("email")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .or(user.email.take());
        let answer: Map<String, Value> = [
            "email",
            "firstName",
            "lastName",
            "phoneNumber",
            "country",
            "isBusiness",
            "registrationDate",
            "activationDate",
        ]
        .into_iter()
        .filter_map(|field| Some((field.to_owned(), user.body.get(field)?.clone())))
        .collect();
        (Outcome::Updated, json_reply(202, &Value::Object(answer)))
    }

    /// A success body off the spec that still carries the id (see [`OffSpecBody::Default`]).
    pub(super) fn off_spec_body(&mut self, request: Option<&Value>) -> Value {
        let id = self.users.last().map(|u| u.id.clone()).unwrap_or_default();
        match self.provider {
            Provider::Bitpanda => {
                // The id as a number where the spec has a string; the user keeps that id.
                let number = self.next_id;
                if let Some(user) = self.users.last_mut() {
                    user.id = number.to_string();
                }
                json!({"data": {"id": number}})
            }
            Provider::Wealthyhood => json!({
                "id": id,
                "email": request.and_then(|b| b.get("email")).cloned().unwrap_or_default(),
                "portfolios": null,
                "createdAt": "yesterday",
                "updatedAt": "yesterday",
            }),
            Provider::BtcDirect => json!({"email": 42, "registrationDate": "yesterday"}),
        }
    }
}
