//! The exact JSON each provider receives for the neutral fixture user (`fixtures/user.json`, and
//! `fixtures/update.json` for BTC Direct), one snapshot per provider.

use onboarding::mapping::{bitpanda_request, btcdirect_request, wealthyhood_request};
use onboarding::{BitpandaMode, NewUser, UserUpdate};
use serde_json::{Value, json};

use crate::common::fixtures;
use fixtures::{update, user};

#[test]
fn body_bitpanda() {
    let body = bitpanda_request(&user()).expect("the fixture is valid for Bitpanda");
    insta::assert_json_snapshot!("body_bitpanda", body);
}

#[test]
fn body_bitpanda_byol() {
    let mut user = user();
    if let Some(extension) = user.bitpanda.as_mut() {
        extension.mode = BitpandaMode::BringYourOwnLicense;
    }
    let body = bitpanda_request(&user).expect("the fixture is valid for Bitpanda BYOL");
    insta::assert_json_snapshot!("body_bitpanda_byol", body);
}

#[test]
fn body_wealthyhood() {
    let body = wealthyhood_request(&user()).expect("the fixture is valid for Wealthyhood");
    insta::assert_json_snapshot!("body_wealthyhood", body);
}

#[test]
fn body_btcdirect() {
    let body = btcdirect_request(&update()).expect("the fixture is valid for BTC Direct");
    insta::assert_json_snapshot!("body_btcdirect", body);
}

#[test]
fn given_names_are_joined_with_one_space_everywhere() {
    let user = user();
    let bitpanda = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
    let wealthyhood = serde_json::to_value(wealthyhood_request(&user).unwrap()).unwrap();
    let btcdirect = serde_json::to_value(btcdirect_request(&update()).unwrap()).unwrap();
    assert_eq!(bitpanda["first_name"], "Γιώργος Νικόλαος");
    assert_eq!(wealthyhood["firstName"], "Γιώργος Νικόλαος");
    assert_eq!(btcdirect["firstName"], "Γιώργος Νικόλαος");
}

#[test]
fn the_address_joins_for_wealthyhood_and_splits_for_btcdirect() {
    let wealthyhood = serde_json::to_value(wealthyhood_request(&user()).unwrap()).unwrap();
    assert_eq!(wealthyhood["address"]["line1"], "Ερμού 25");
    let btcdirect = serde_json::to_value(btcdirect_request(&update()).unwrap()).unwrap();
    assert_eq!(btcdirect["address"], "Ερμού");
    assert_eq!(btcdirect["addressNo"], "25");

    // Without a house number, line1 is just the street; BTC Direct leaves addressNo out.
    let mut user = user();
    let mut update = update();
    for address in [user.address.as_mut(), update.address.as_mut()]
        .into_iter()
        .flatten()
    {
        address.house_number = None;
    }
    let wealthyhood = serde_json::to_value(wealthyhood_request(&user).unwrap()).unwrap();
    assert_eq!(wealthyhood["address"]["line1"], "Ερμού");
    let btcdirect = serde_json::to_value(btcdirect_request(&update).unwrap()).unwrap();
    assert_eq!(btcdirect.get("addressNo"), None);
}

#[test]
fn wealthyhood_takes_one_nationality_from_citizenship() {
    let body = serde_json::to_value(wealthyhood_request(&user()).unwrap()).unwrap();
    assert_eq!(body["nationality"], "GR");
    assert_eq!(body.get("nationalities"), None);
}

#[test]
fn bitpanda_tax_comes_from_the_extension_when_given_otherwise_from_tax_residency() {
    let mut user = user();
    let derived = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
    assert_eq!(
        derived["tax"],
        json!({"id": "123456789", "residence": "GR"})
    );

    let own_tax = serde_json::from_value(json!({"id": "CY-998877", "residence": "CY"})).unwrap();
    if let Some(extension) = user.bitpanda.as_mut() {
        extension.tax = Some(own_tax);
    }
    let overridden = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
    assert_eq!(
        overridden["tax"],
        json!({"id": "CY-998877", "residence": "CY"})
    );
}

#[test]
fn byol_sends_nothing_but_external_id_account_level_and_meta() {
    let user: NewUser = serde_json::from_value(json!({
        "external_id": "Ext-Id-2",
        "bitpanda": {"mode": "bring_your_own_license"}
    }))
    .unwrap();
    let body = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
    assert_eq!(body, json!({"external_id": "Ext-Id-2"}));
}

#[test]
fn btcdirect_patch_leaves_absent_fields_out() {
    let update: UserUpdate =
        serde_json::from_value(json!({"email": "john.doe@example.com", "country": "DE"})).unwrap();
    let body = serde_json::to_value(btcdirect_request(&update).unwrap()).unwrap();
    assert_eq!(
        body,
        json!({"email": "john.doe@example.com", "country": "DE"})
    );
}

#[test]
fn the_bodies_read_back_as_the_generated_types() {
    // What the mapping built is what a provider-side parser of the spec would accept.
    let user = user();
    let bitpanda = serde_json::to_value(bitpanda_request(&user).unwrap()).unwrap();
    let parsed: bitpanda_client::types::CreateUserRequest =
        serde_json::from_value(bitpanda.clone()).unwrap();
    assert_eq!(serde_json::to_value(parsed).unwrap(), bitpanda);
    assert!(matches!(
        serde_json::from_value::<bitpanda_client::types::CreateUserRequest>(bitpanda).unwrap(),
        bitpanda_client::types::CreateUserRequest::InvestmentAsAServiceUser(_)
    ));

    let wealthyhood = serde_json::to_value(wealthyhood_request(&user).unwrap()).unwrap();
    let parsed: wealthyhood_client::types::CreateUserRequest =
        serde_json::from_value(wealthyhood.clone()).unwrap();
    assert_eq!(serde_json::to_value(parsed).unwrap(), wealthyhood);

    let btcdirect = serde_json::to_value(btcdirect_request(&update()).unwrap()).unwrap();
    let parsed: btcdirect_client::types::UpdateUserRequest =
        serde_json::from_value(btcdirect.clone()).unwrap();
    assert_eq!(serde_json::to_value(parsed).unwrap(), btcdirect);
}

#[test]
fn fixtures_round_trip_and_unknown_fields_are_refused() {
    let original: Value = serde_json::from_str(fixtures::USER_JSON).unwrap();
    assert_eq!(serde_json::to_value(user()).unwrap(), original);
    let original: Value = serde_json::from_str(fixtures::UPDATE_JSON).unwrap();
    assert_eq!(serde_json::to_value(update()).unwrap(), original);

    let typo = serde_json::from_value::<NewUser>(json!({"email": "a@b", "familyName": "Doe"}));
    assert!(
        typo.unwrap_err()
            .to_string()
            .contains("unknown field `familyName`")
    );
    let nested = serde_json::from_value::<UserUpdate>(json!({"btcdirect": {"newsletter": true}}));
    assert!(nested.is_err());
}
