// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @title Batch settlement helper
/// @notice Same ABI as Multicall3.aggregate3, so a deployment can swap this for the
///         canonical Multicall3 on chains that already have one. One deliberate
///         difference: a required call that fails reverts with
///         CallFailed(index, returnData) instead of a string, so the terminal can
///         tell which redemption broke the batch.
/// @dev    The loop is assembly because batch overhead is paid per redemption: the
///         Solidity version decoded every item into memory, allocated result structs
///         and then re-encoded them, which cost about 1,000 gas per item more. The
///         result is written directly in its ABI encoding and returned from there.
///         Calldata is not bounds-checked beyond what the EVM does (reads past the
///         end yield zeros); the contract holds no funds or privileges, so a malformed
///         batch can only waste its own sender's gas.
contract BatchCaller {
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    struct Result {
        bool success;
        bytes returnData;
    }

    error CallFailed(uint256 index, bytes returnData);

    /// @dev Payable only to keep Multicall3's ABI; as in Multicall3's aggregate3, any
    ///      ether sent is not forwarded to the targets.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory) {
        assembly {
            let n := calls.length
            let base := mload(0x40)
            mstore(base, 0x20)
            mstore(add(base, 0x20), n)
            let heads := add(base, 0x40)
            // Tuples follow the head table; each is (success, 0x40, length, data...).
            let tail := add(heads, shl(5, n))
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                mstore(add(heads, shl(5, i)), sub(tail, heads))
                let item := add(calls.offset, calldataload(add(calls.offset, shl(5, i))))
                let callData := add(item, calldataload(add(item, 0x40)))
                let len := calldataload(callData)
                // The input is staged where this item's return data will go, so memory
                // only grows by what the result needs, not by every input as well.
                let data := add(tail, 0x60)
                calldatacopy(data, add(callData, 0x20), len)
                let success := call(gas(), calldataload(item), 0, data, len, 0, 0)
                let size := returndatasize()
                if iszero(or(success, calldataload(add(item, 0x20)))) {
                    // CallFailed(uint256,bytes)
                    mstore(tail, shl(224, 0x5c0dee5d))
                    mstore(add(tail, 0x04), i)
                    mstore(add(tail, 0x24), 0x40)
                    mstore(add(tail, 0x44), size)
                    returndatacopy(add(tail, 0x64), 0, size)
                    mstore(add(add(tail, 0x64), size), 0)
                    revert(tail, add(0x64, and(add(size, 0x1f), not(0x1f))))
                }
                mstore(tail, success)
                mstore(add(tail, 0x20), 0x40)
                mstore(add(tail, 0x40), size)
                returndatacopy(data, 0, size)
                // ABI padding must be zero, and the staged input may still be there.
                mstore(add(data, size), 0)
                tail := add(data, and(add(size, 0x1f), not(0x1f)))
            }
            return(base, sub(tail, base))
        }
    }
}
