// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title Heerlens Heitje community-currency token
/// @notice ERC-20 with EIP-3009 signed authorizations, so a citizen can pay by
///         showing a QR code and the merchant's terminal (or a relayer) settles it.
contract HeitjeToken is ERC20, AccessControl, EIP712 {
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");

    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    uint8 private immutable _decimals;

    // EIP-3009 nonces are random 32-byte values rather than a counter, so that a
    // citizen can hold several unsettled QR payments at once in any order.
    // Slot layout must stay the plain Solidity mapping layout: _requireUnusedNonce
    // computes the slot by hand and authorizationState reads it the normal way.
    mapping(address authorizer => mapping(bytes32 nonce => bool used)) private _authorizationStates;

    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    error AuthorizationNotYetValid(uint256 validAfter, uint256 blockTimestamp);
    error AuthorizationExpired(uint256 validBefore, uint256 blockTimestamp);
    error AuthorizationAlreadyUsed(address authorizer, bytes32 nonce);
    error InvalidSignature();
    error CallerMustBePayee(address caller, address payee);

    constructor(string memory name_, string memory symbol_, string memory version_, uint8 decimals_, address admin)
        ERC20(name_, symbol_)
        EIP712(name_, version_)
    {
        _decimals = decimals_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(MINTER_ROLE, admin);
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }

    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationStates[authorizer][nonce];
    }

    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        bytes32 structHash =
            _authorizationHash(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce);
        _useAuthorization(from, validAfter, validBefore, nonce, structHash, v, r, s);
        _transfer(from, to, value);
    }

    /// @dev Only the payee may submit, so a front-runner who sees the signature in
    ///      the mempool cannot settle it in a context the payee did not intend.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (to != msg.sender) revert CallerMustBePayee(msg.sender, to);
        bytes32 structHash =
            _authorizationHash(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce);
        _useAuthorization(from, validAfter, validBefore, nonce, structHash, v, r, s);
        _transfer(from, to, value);
    }

    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        bytes32 structHash = keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce));
        uint256 slot = _requireUnusedNonce(authorizer, nonce);
        _requireSignedBy(authorizer, structHash, v, r, s);
        _markUsed(slot);
        emit AuthorizationCanceled(authorizer, nonce);
    }

    function _useAuthorization(
        address from,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes32 structHash,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) private {
        // Cheap checks first so that stale or early QR codes fail before ecrecover.
        if (block.timestamp <= validAfter) revert AuthorizationNotYetValid(validAfter, block.timestamp);
        if (block.timestamp >= validBefore) revert AuthorizationExpired(validBefore, block.timestamp);
        // Replays are rejected before ecrecover: a terminal resubmitting an already
        // settled batch should waste as little gas as possible on the duplicates.
        uint256 slot = _requireUnusedNonce(from, nonce);
        _requireSignedBy(from, structHash, v, r, s);
        // The nonce is spent before any balance moves, so nothing reachable from the
        // transfer can observe the authorization as still usable.
        _markUsed(slot);
        emit AuthorizationUsed(from, nonce);
    }

    function _requireSignedBy(address expected, bytes32 structHash, uint8 v, bytes32 r, bytes32 s) private view {
        // tryRecover applies the same low-s and zero-address rules as recover, but lets
        // every failure surface as the one error integrators need to handle.
        (address signer, ECDSA.RecoverError err,) = ECDSA.tryRecover(_hashTypedDataV4(structHash), v, r, s);
        if (err != ECDSA.RecoverError.NoError || signer != expected) revert InvalidSignature();
    }

    /// @dev Returns the storage slot so the caller can mark it used without hashing
    ///      the key pair a second time, which is what two mapping accesses would do.
    function _requireUnusedNonce(address authorizer, bytes32 nonce) private view returns (uint256 slot) {
        bool used;
        assembly ("memory-safe") {
            mstore(0x00, and(authorizer, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(0x20, _authorizationStates.slot)
            mstore(0x20, keccak256(0x00, 0x40))
            mstore(0x00, nonce)
            slot := keccak256(0x00, 0x40)
            used := sload(slot)
        }
        if (used) revert AuthorizationAlreadyUsed(authorizer, nonce);
    }

    function _markUsed(uint256 slot) private {
        assembly ("memory-safe") {
            sstore(slot, 1)
        }
    }

    /// @dev Hashed in scratch memory because abi.encode of seven values next to the
    ///      nine external parameters does not fit the legacy code generator's stack.
    function _authorizationHash(
        bytes32 typehash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce
    ) private pure returns (bytes32 digest) {
        assembly ("memory-safe") {
            let p := mload(0x40)
            mstore(p, typehash)
            mstore(add(p, 0x20), and(from, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(p, 0x40), and(to, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(p, 0x60), value)
            mstore(add(p, 0x80), validAfter)
            mstore(add(p, 0xa0), validBefore)
            mstore(add(p, 0xc0), nonce)
            digest := keccak256(p, 0xe0)
        }
    }
}
