//! Strategies for neutral users.
//!
//! Every field is drawn from a strategy of values each provider accepts, mixed (for [`Mix::Hostile`])
//! with hostile values: any Unicode, emoji, `<>`, control characters, very long strings, any date
//! chrono can hold. [`Mix::Valid`] draws only valid values, so the user must validate.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use onboarding::generated::bitpanda::{
    BitpandaAmlAnswer, BitpandaAppropriatenessAnswer, BitpandaExtCompliance, BitpandaTax,
    BitpandaVerification,
};
use onboarding::generated::btcdirect::{DocumentSide, DocumentType};
use onboarding::{
    Address, BitpandaExtension, BitpandaMode, BtcDirectExtension, EmploymentInfo, IdentityDocument,
    NewUser, TaxResidency, UserUpdate, WealthyhoodExtension,
};
use proptest::option;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::json;

/// Whether hostile values are mixed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mix {
    /// Only values the provider accepts.
    Valid,
    /// Mostly valid values, one in four fields hostile.
    Hostile,
}

type Strat<T> = BoxedStrategy<T>;

/// Assigned ISO 3166-1 alpha-2 codes (a sample).
const COUNTRIES: &[&str] = &[
    "AD", "AT", "AU", "AX", "BE", "BG", "BR", "CA", "CH", "CN", "CY", "CZ", "DE", "DK", "EE", "ES",
    "FI", "FR", "GB", "GR", "HR", "HU", "IE", "IN", "IS", "IT", "JP", "LI", "LT", "LU", "LV", "MT",
    "NL", "NO", "PL", "PT", "RO", "RU", "SE", "SI", "SK", "TR", "UA", "US", "ZA", "ZW",
];

/// Assigned ISO 639-1 codes (a sample).
const LANGUAGES: &[&str] = &[
    "de", "el", "en", "es", "fi", "fr", "hr", "hu", "it", "ja", "nl", "pl", "pt", "ro", "ru", "sk",
    "sl", "sv", "tr", "uk", "zh", "zu",
];

const GIVEN: &[&str] = &[
    "Giorgos",
    "Γιώργος",
    "Νικόλαος",
    "Ἀθηνᾶ",
    "Jean",
    "Zoë",
    "Łukasz",
    "Иван",
    "Anne-Marie",
    "O'Neil",
    "Jr.",
    "María José",
    "Ærøskøbing",
    "Đorđe",
    "Şule",
];

const FAMILY: &[&str] = &[
    "Papadopoulos",
    "Παπαδόπουλος",
    "Doe",
    "Smith-Jones",
    "O'Brien",
    "Doe, Jr",
    "Müller",
    "Иванов",
    "Dvořák",
    "Østergaard",
    "Ἀλεξάνδρου",
];

const STATUSES: &[&str] = &[
    "FullTime",
    "PartTime",
    "SelfEmployed",
    "Unemployed",
    "Retired",
    "Student",
];

/// Strings a hostile caller could send: any Unicode, emoji, angle brackets, control and
/// invisible characters, near misses of the valid shapes, and very long text.
pub fn hostile() -> Strat<String> {
    prop_oneof![
        3 => ".{0,24}",
        2 => "[<>😀🇬🇷☀✈👍🏽\u{0}\u{7}\u{1b}\u{7f}\u{85}\u{202e}\u{fe0f}\u{20e3}\u{200b}\u{2028} \t\r\na@+.-]{0,8}",
        2 => select(vec![
            "", " ", "\t", "\u{3000}", "<script>alert(1)</script>", "😀", "محمد", "王小明",
            "O\u{2019}Brien", "Jose\u{0301}", "\u{0}", "a@b@c", "@example.com", "+0", "+",
            "+1234567890123456", "ER085", "gr", "UK", "XX", "ell", "QQ=", "=QUJ",
            "Robert'); DROP TABLE users;--", "\u{feff}John", "null",
        ]).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9@.+_-]{0,20}",
        1 => "\\PC{200,1200}",
    ]
    .boxed()
}

/// `valid`, or under [`Mix::Hostile`] now and then a hostile string.
fn text(mix: Mix, valid: impl Strategy<Value = String> + 'static) -> Strat<String> {
    match mix {
        Mix::Valid => valid.boxed(),
        Mix::Hostile => prop_oneof![4 => valid, 1 => hostile()].boxed(),
    }
}

/// `value` present or absent; under [`Mix::Hostile`] absent as often as not.
fn maybe<T: std::fmt::Debug + Clone + 'static>(value: Strat<T>) -> Strat<Option<T>> {
    option::of(value).boxed()
}

/// Some non-blank text without angle brackets or emoji (all providers take it).
fn plain() -> impl Strategy<Value = String> + Clone {
    "[A-Za-z0-9À-ÿΑ-Ωα-ωА-я一-龥][A-Za-z0-9À-ÿΑ-Ωα-ωА-я一-龥 ,.'/-]{0,30}"
}

fn email() -> impl Strategy<Value = String> + Clone {
    "[a-z0-9]{1,10}([._+-][a-z0-9]{1,8}){0,2}@[a-z0-9]{1,10}(-[a-z0-9]{1,5})?(\\.[a-z0-9]{1,10}){0,2}\\.[a-z]{2,6}"
}

fn country() -> impl Strategy<Value = String> + Clone {
    select(COUNTRIES).prop_map(str::to_owned)
}

fn language() -> impl Strategy<Value = String> + Clone {
    select(LANGUAGES).prop_map(str::to_owned)
}

/// Either case, as BTC Direct's website locale allows.
fn any_case(code: impl Strategy<Value = String>) -> impl Strategy<Value = String> {
    (code, any::<[bool; 2]>()).prop_map(|(code, upper)| {
        code.chars()
            .zip(upper)
            .map(|(c, up)| {
                if up {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect()
    })
}

/// A name Bitpanda's pattern takes: a letter of its ranges first, then letters, `,.'- `.
fn bitpanda_name(pool: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    prop_oneof![
        select(pool).prop_map(str::to_owned),
        "[A-Za-zÀ-ÖØ-öø-ÿĀ-ſΑ-Ρα-ωἀ-ἇА-яЁё][A-Za-zÀ-ÖØ-öø-ÿĀ-ſΑ-Ρα-ωἀ-ἇА-яЁё,.' -]{0,18}",
    ]
}

fn adult_birth_date() -> impl Strategy<Value = NaiveDate> + Clone {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).expect("a date");
    // Up to the end of 2005: 18 or older on any day this test can run.
    (0i64..38_715).prop_map(move |days| first + chrono::Duration::days(days))
}

/// Any date chrono can hold, and the edges around today.
fn any_date() -> Strat<NaiveDate> {
    prop_oneof![
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).expect("in range")),
        (-40_000i64..40_000)
            .prop_map(|days| Utc::now().date_naive() + chrono::Duration::days(days)),
        Just(NaiveDate::MIN),
        Just(NaiveDate::MAX),
    ]
    .boxed()
}

fn date(mix: Mix) -> Strat<NaiveDate> {
    match mix {
        Mix::Valid => adult_birth_date().boxed(),
        Mix::Hostile => prop_oneof![3 => adult_birth_date(), 1 => any_date()].boxed(),
    }
}

fn e164() -> impl Strategy<Value = String> + Clone {
    "\\+[1-9][0-9]{1,14}"
}

fn address(mix: Mix) -> Strat<Address> {
    (
        text(mix, plain()),
        maybe(text(mix, "[1-9][0-9]{0,3}[a-z]?")),
        text(mix, "[0-9]{3,5}( ?[A-Z]{2})?"),
        text(mix, plain()),
        text(mix, country()),
    )
        .prop_map(
            |(street, house_number, postal_code, city, country)| Address {
                street,
                house_number,
                postal_code,
                city,
                country,
            },
        )
        .boxed()
}

fn tax_residency(mix: Mix) -> Strat<TaxResidency> {
    (
        text(mix, country()),
        text(mix, "[A-Z0-9]{5,15}"),
        maybe(text(mix, "(TIN|NationalId|SSN)")),
    )
        .prop_map(|(country, tax_id, proof_type)| TaxResidency {
            country,
            tax_id,
            proof_type,
        })
        .boxed()
}

/// A uuid in the hyphenated form.
fn uuid() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|n| {
        let hex = format!("{n:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    })
}

/// Verification data as a partner would pass it through: any subset of the documented fields.
fn verification(mix: Mix) -> Strat<BitpandaVerification> {
    (
        option::of(uuid()),
        proptest::collection::vec(uuid(), 0..3),
        option::of(date(mix)),
        option::of(date(mix)),
        option::of(country()),
        option::of(text(mix, plain())),
        option::of((text(mix, plain()), country())),
    )
        .prop_map(
            |(
                report,
                files,
                birth_date,
                expiration_date,
                issuing_country,
                national_id,
                address,
            )| {
                let mut value = json!({ "files": files, "provider": "idnow" });
                if let Some(report) = report {
                    value["report"] = json!(report);
                }
                if let Some(date) = birth_date {
                    value["birth_date"] = json!(date);
                }
                if let Some(date) = expiration_date {
                    value["expiration_date"] = json!(date);
                }
                if let Some(code) = issuing_country {
                    value["issuing_country"] = json!(code);
                }
                if let Some(id) = national_id {
                    value["national_id"] = json!(id);
                }
                if let Some((street, country)) = address {
                    value["address"] = json!({ "street": street, "country_of_residence": country });
                }
                serde_json::from_value(value).expect("the generated verification type reads it")
            },
        )
        .boxed()
}

fn bitpanda_extension(mix: Mix) -> Strat<BitpandaExtension> {
    let aml = (any::<i64>(), any::<i64>(), option::of(text(mix, plain()))).prop_map(
        |(question_id, answer_id, answer_value)| BitpandaAmlAnswer {
            question_id,
            answer_id,
            answer_value,
        },
    );
    let appropriateness = (any::<i64>(), any::<i64>(), option::of(text(mix, plain()))).prop_map(
        |(question_id, answer_id, value)| BitpandaAppropriatenessAnswer {
            question_id,
            answer_id,
            value,
        },
    );
    let tax =
        (option::of(text(mix, plain())), option::of(country())).prop_map(|(id, residence)| {
            BitpandaTax {
                id,
                residence: residence
                    .map(|code| code.as_str().try_into().expect("an upper-case code")),
            }
        });
    let compliance = (
        proptest::collection::vec(text(mix, plain()), 0..3),
        option::of(match mix {
            Mix::Valid => (0i64..4_102_444_800).boxed(),
            // Up to some 9,500 years either side of 1970: years of five digits and below zero.
            Mix::Hostile => {
                prop_oneof![0i64..4_102_444_800, -300_000_000_000i64..300_000_000_000].boxed()
            }
        }),
    )
        .prop_map(|(ext_pep_statuses, at)| BitpandaExtCompliance {
            ext_pep_statuses,
            ext_user_reviewed_kyc_data_at: at
                .and_then(|secs| DateTime::<Utc>::from_timestamp(secs, 0)),
            ext_user_risk_level: Some("low".into()),
        });
    let minimum = usize::from(mix == Mix::Valid);
    (
        prop_oneof![4 => Just(BitpandaMode::InvestmentAsAService), 1 => Just(BitpandaMode::BringYourOwnLicense)],
        proptest::collection::vec(any::<i64>(), minimum..4),
        proptest::collection::vec(aml, minimum..4),
        proptest::collection::vec(appropriateness, 0..3),
        if mix == Mix::Valid {
            verification(mix).prop_map(Some).boxed()
        } else {
            maybe(verification(mix))
        },
        option::of(tax),
        option::of(compliance),
        option::of(text(mix, "[0-9]{1,3}")),
        proptest::collection::btree_map(text(mix, "[a-z_]{1,10}"), text(mix, plain()), 0..3),
    )
        .prop_map(
            |(mode, terms, aml, appropriateness, verification, tax, ext_compliance, level, meta)| {
                BitpandaExtension {
                    mode,
                    terms,
                    aml,
                    appropriateness,
                    verification,
                    tax,
                    ext_compliance,
                    account_level_id: level,
                    external_meta: meta,
                }
            },
        )
        .boxed()
}

fn employment(mix: Mix) -> Strat<EmploymentInfo> {
    let minimum = usize::from(mix == Mix::Valid);
    (
        text(mix, "[1-9][0-9]?"),
        text(mix, select(STATUSES).prop_map(str::to_owned)),
        proptest::collection::vec(
            text(mix, "(BusinessOwnership|Salary|Inheritance|Savings)"),
            minimum..3,
        ),
        option::of(text(mix, "(FinanceAndInsurance|Education|Construction)")),
    )
        .prop_map(
            move |(income_range_id, employment_status, sources_of_wealth, industry)| {
                let industry = match (mix, industry) {
                    (Mix::Valid, None) => Some("Education".to_owned()),
                    (_, industry) => industry,
                };
                EmploymentInfo {
                    income_range_id,
                    employment_status,
                    sources_of_wealth,
                    industry,
                }
            },
        )
        .boxed()
}

/// A new user for `provider` ("bitpanda" or "wealthyhood"): under [`Mix::Valid`] one that
/// provider must accept; under [`Mix::Hostile`] anything.
pub fn new_user(provider: &'static str, mix: Mix) -> Strat<NewUser> {
    let bitpanda = provider == "bitpanda";
    let valid = mix == Mix::Valid;
    let minimum_names = usize::from(valid);
    let given: Strat<String> = if bitpanda {
        text(mix, bitpanda_name(GIVEN)).boxed()
    } else {
        text(
            mix,
            prop_oneof![select(GIVEN).prop_map(str::to_owned), plain()],
        )
        .boxed()
    };
    let family: Strat<String> = if bitpanda {
        text(mix, bitpanda_name(FAMILY)).boxed()
    } else {
        text(
            mix,
            prop_oneof![select(FAMILY).prop_map(str::to_owned), plain()],
        )
        .boxed()
    };
    let language: Strat<String> = if bitpanda {
        text(mix, language())
    } else {
        text(
            mix,
            prop_oneof![Just("en".to_owned()), Just("el".to_owned())],
        )
    };
    let language = if bitpanda && valid {
        language.prop_map(Some).boxed()
    } else {
        maybe(language)
    };
    let phone = if bitpanda && valid {
        e164().prop_map(Some).boxed()
    } else {
        maybe(text(mix, e164()))
    };
    let citizenship = if bitpanda && valid {
        country().prop_map(Some).boxed()
    } else {
        maybe(text(mix, country()))
    };
    let birth = if !bitpanda && valid {
        date(mix).prop_map(Some).boxed()
    } else {
        maybe(date(mix))
    };
    let residence = if !bitpanda && valid {
        country().prop_map(Some).boxed()
    } else {
        maybe(text(mix, country()))
    };
    let bitpanda_extension = if bitpanda && valid {
        bitpanda_extension(mix).prop_map(Some).boxed()
    } else {
        maybe(bitpanda_extension(mix))
    };
    let wealthyhood_extension = maybe(
        maybe(employment(mix))
            .prop_map(|employment_info| WealthyhoodExtension { employment_info })
            .boxed(),
    );
    (
        (
            text(mix, email()),
            phone,
            proptest::collection::vec(given, minimum_names..4),
            family,
            birth,
            language,
        ),
        (
            citizenship,
            residence,
            maybe(address(mix)),
            maybe(tax_residency(mix)),
            maybe(text(mix, "[A-Za-z0-9-]{1,20}")),
            bitpanda_extension,
            wealthyhood_extension,
        ),
    )
        .prop_map(
            move |(
                (email, phone, given_names, family_name, date_of_birth, language),
                (
                    citizenship,
                    country_of_residence,
                    address,
                    tax_residency,
                    external_id,
                    bitpanda,
                    wealthyhood,
                ),
            )| {
                let mut user = NewUser {
                    email,
                    phone,
                    given_names,
                    family_name,
                    date_of_birth,
                    language,
                    citizenship,
                    country_of_residence,
                    address,
                    tax_residency,
                    external_id,
                    bitpanda,
                    wealthyhood,
                };
                if valid {
                    make_valid(&mut user);
                }
                user
            },
        )
        .boxed()
}

/// The few cross-field rules a field-by-field strategy cannot see.
fn make_valid(user: &mut NewUser) {
    // Wealthyhood: the joined given names are at most 100 characters.
    while user.given_names.join(" ").chars().count() > 100 {
        user.given_names.pop();
    }
    // Wealthyhood needs a proof type; Bitpanda's BYOL mode needs an external id.
    if let Some(tax) = user.tax_residency.as_mut() {
        tax.proof_type.get_or_insert_with(|| "TIN".into());
    }
    if let Some(extension) = user.bitpanda.as_ref()
        && extension.mode == BitpandaMode::BringYourOwnLicense
    {
        user.external_id.get_or_insert_with(|| "Ext-Id-1".into());
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i)) as usize & 63]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn identity_document(mix: Mix) -> Strat<IdentityDocument> {
    const TYPES: [DocumentType; 3] = [
        DocumentType::Passport,
        DocumentType::IdentityCard,
        DocumentType::Selfie,
    ];
    const SIDES: [DocumentSide; 3] = [
        DocumentSide::Front,
        DocumentSide::Back,
        DocumentSide::Selfie,
    ];
    (
        select(TYPES.to_vec()),
        select(SIDES.to_vec()),
        text(
            mix,
            proptest::collection::vec(any::<u8>(), 1..48).prop_map(|b| base64(&b)),
        ),
    )
        .prop_map(|(document_type, document_side, data)| IdentityDocument {
            document_type,
            document_side,
            data,
        })
        .boxed()
}

fn btcdirect_extension(mix: Mix) -> Strat<BtcDirectExtension> {
    (
        (
            maybe(text(mix, "[0-9]{6}")),
            maybe(text(mix, "[0-9]{8}")),
            maybe(text(mix, plain())),
            maybe(text(mix, country())),
            option::of(any::<bool>()),
            proptest::collection::btree_map(
                text(mix, "kyc-amld5-[a-z-]{3,20}"),
                text(mix, plain()),
                0..3,
            ),
        ),
        (
            proptest::collection::vec(identity_document(mix), 0..3),
            maybe(text(mix, any_case(country()))),
            maybe(text(mix, any_case(language()))),
            option::of(any::<bool>()),
            option::of(any::<bool>()),
        ),
    )
        .prop_map(
            |(
                (
                    email_code,
                    chamber_of_commerce,
                    business_name,
                    business_country,
                    is_business,
                    amld5_answers,
                ),
                (identity_documents, website_country, website_language, newsletter, privacy),
            )| BtcDirectExtension {
                email_code,
                chamber_of_commerce,
                business_name,
                business_country,
                is_business,
                amld5_answers: amld5_answers.into_iter().collect::<BTreeMap<_, _>>(),
                identity_documents,
                website_country,
                website_language,
                newsletter_subscription: newsletter,
                privacy_agreement: privacy,
            },
        )
        .boxed()
}

/// A BTC Direct update: under [`Mix::Valid`] one BTC Direct must accept; otherwise anything.
pub fn user_update(mix: Mix) -> Strat<UserUpdate> {
    let name = || {
        text(
            mix,
            prop_oneof![select(GIVEN).prop_map(str::to_owned), plain()],
        )
    };
    (
        text(mix, email()),
        text(mix, country()),
        proptest::collection::vec(name(), 0..4),
        maybe(name()),
        maybe(text(mix, "\\+[0-9]{1,15}")),
        maybe(date(mix)),
        maybe(address(mix)),
        btcdirect_extension(mix),
    )
        .prop_map(
            |(
                email,
                country,
                given_names,
                family_name,
                phone,
                date_of_birth,
                address,
                btcdirect,
            )| {
                UserUpdate {
                    email,
                    country,
                    given_names,
                    family_name,
                    phone,
                    date_of_birth,
                    address,
                    btcdirect,
                }
            },
        )
        .boxed()
}

/// Every personal value in `user`, for checking that none is repeated in a report.
pub fn personal_values_new(user: &NewUser) -> Vec<String> {
    let mut values = vec![user.email.clone(), user.family_name.clone()];
    values.extend(user.given_names.iter().cloned());
    values.extend(user.phone.iter().cloned());
    values.extend(user.external_id.iter().cloned());
    values.extend(user.citizenship.iter().cloned());
    values.extend(user.country_of_residence.iter().cloned());
    values.extend(user.language.iter().cloned());
    if let Some(address) = &user.address {
        values.extend([
            address.street.clone(),
            address.postal_code.clone(),
            address.city.clone(),
            address.country.clone(),
        ]);
        values.extend(address.house_number.iter().cloned());
    }
    if let Some(tax) = &user.tax_residency {
        values.extend([tax.country.clone(), tax.tax_id.clone()]);
        values.extend(tax.proof_type.iter().cloned());
    }
    if let Some(extension) = &user.bitpanda {
        values.extend(extension.external_meta.values().cloned());
        values.extend(extension.account_level_id.iter().cloned());
    }
    if let Some(employment) = user
        .wealthyhood
        .as_ref()
        .and_then(|w| w.employment_info.as_ref())
    {
        values.extend([
            employment.income_range_id.clone(),
            employment.employment_status.clone(),
        ]);
        values.extend(employment.sources_of_wealth.iter().cloned());
        values.extend(employment.industry.iter().cloned());
    }
    if let Some(date) = user.date_of_birth {
        values.push(date.to_string());
    }
    values
}

/// Every personal value in `update`.
pub fn personal_values_update(update: &UserUpdate) -> Vec<String> {
    let mut values = vec![update.email.clone(), update.country.clone()];
    values.extend(update.given_names.iter().cloned());
    values.extend(update.family_name.iter().cloned());
    values.extend(update.phone.iter().cloned());
    if let Some(address) = &update.address {
        values.extend([
            address.street.clone(),
            address.postal_code.clone(),
            address.city.clone(),
        ]);
        values.extend(address.house_number.iter().cloned());
    }
    let extension = &update.btcdirect;
    values.extend(extension.email_code.iter().cloned());
    values.extend(extension.chamber_of_commerce.iter().cloned());
    values.extend(extension.business_name.iter().cloned());
    values.extend(extension.business_country.iter().cloned());
    values.extend(extension.website_country.iter().cloned());
    values.extend(extension.website_language.iter().cloned());
    values.extend(extension.amld5_answers.values().cloned());
    values.extend(extension.identity_documents.iter().map(|d| d.data.clone()));
    if let Some(date) = update.date_of_birth {
        values.push(date.to_string());
    }
    values
}
